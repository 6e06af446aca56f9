/**
 * Errors of the produce/consume engines: Kafka error names out of @platformatic/kafka's nested
 * errors, and CliErrors with the right exit code (3 for a Kafka error, 4 for no answer).
 */
import { CliError } from '../cli/errors.ts';
import { ExitCode, exitCodeFor } from '../cli/exit-codes.ts';
import type { HostPort } from '../cli/flags.ts';

export interface KafkaErrorInfo {
  /** The Kafka error name, e.g. MESSAGE_TOO_LARGE. */
  name: string;
  /** The broker's error message, when it sent one. */
  serverMessage: string | null;
}

interface ErrorShape {
  apiId?: unknown;
  serverErrorMessage?: unknown;
  errors?: unknown;
  cause?: unknown;
  response?: unknown;
}

/** Finds the first Kafka protocol error (with its name) inside `err`, its causes and members. */
export function findKafkaError(err: unknown): KafkaErrorInfo | null {
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number): KafkaErrorInfo | null => {
    if (typeof value !== 'object' || value === null || seen.has(value) || depth > 10) return null;
    seen.add(value);
    const e = value as ErrorShape;
    if (typeof e.apiId === 'string' && e.apiId !== '' && e.apiId !== 'NONE') {
      let serverMessage = typeof e.serverErrorMessage === 'string' && e.serverErrorMessage !== '' ? e.serverErrorMessage : null;
      serverMessage ??= findServerMessage(e.response);
      return { name: e.apiId, serverMessage };
    }
    if (Array.isArray(e.errors)) {
      for (const member of e.errors) {
        const found = visit(member, depth + 1);
        if (found) {
          found.serverMessage ??= findServerMessage(e.response);
          return found;
        }
      }
    }
    return visit(e.cause, depth + 1);
  };
  return visit(err, 0);
}

/** The first `errorMessage` in a response (produce responses carry one per partition). */
function findServerMessage(response: unknown): string | null {
  const stack: unknown[] = [response];
  for (let n = 0; stack.length > 0 && n < 10_000; n++) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null) continue;
    if (Array.isArray(v)) {
      stack.push(...v);
      continue;
    }
    const o = v as Record<string, unknown>;
    if (typeof o.errorMessage === 'string' && o.errorMessage !== '') return o.errorMessage;
    for (const child of Object.values(o)) if (typeof child === 'object' && child !== null) stack.push(child);
  }
  return null;
}

/** `what` failed because of `err`: a CliError saying so, with the Kafka error name when there is one. */
export function kafkaFailure(what: string, err: unknown): CliError {
  if (err instanceof CliError) return err;
  const info = findKafkaError(err);
  if (info) {
    return new CliError(`${what}: ${info.name}${info.serverMessage ? ` (${info.serverMessage})` : ''}`, {
      exitCode: ExitCode.KAFKA_ERROR,
      code: info.name,
      cause: err,
      showCause: false,
    });
  }
  return new CliError(what, { cause: err, exitCode: exitCodeFor(err) });
}

export function formatServers(servers: readonly HostPort[]): string {
  return servers.map((s) => (s.host.includes(':') ? `[${s.host}]:${s.port}` : `${s.host}:${s.port}`)).join(',');
}

/** The cluster did not answer in time (exit 4). */
export function timeoutError(servers: readonly HostPort[], timeoutMs: number, what: string): CliError {
  return new CliError(`${what}: no answer from ${formatServers(servers)} within ${timeoutMs} ms`, {
    exitCode: ExitCode.UNREACHABLE,
    code: 'TIMEOUT',
    hint: "is the broker running? check with 'kstream broker status'",
  });
}

/** Runs `work`, failing with an UNREACHABLE CliError when it takes longer than `timeoutMs`. */
export async function withTimeout<R>(work: Promise<R>, timeoutMs: number, onTimeout: () => Error): Promise<R> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(onTimeout()), timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits for `promise` at most `ms` (for closing clients); never rejects. */
export async function settleWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise.catch(() => undefined), new Promise((resolve) => { timer = setTimeout(resolve, ms); })]);
  clearTimeout(timer);
}

/**
 * `promise`, or 'aborted' as soon as `signal` aborts. Unlike Promise.race with a long-lived
 * "aborted" promise, this leaves no reaction behind once settled (a race against a promise that
 * never settles retains every value it was raced with).
 */
export function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T | 'aborted'> {
  if (!signal) return promise;
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.resolve('aborted');
  }
  return new Promise<T | 'aborted'>((resolve, reject) => {
    const onAbort = (): void => resolve('aborted');
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
