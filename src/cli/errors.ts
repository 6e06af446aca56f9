import { stripVTControlCharacters } from 'node:util';
import { KstreamError } from '../util/errors.ts';
import { ExitCode, exitCodeFor, exitCodeName, type ExitCodeValue } from './exit-codes.ts';

export interface CliErrorOptions {
  /** What the user can do about it; printed after the message as `; <hint>`. */
  hint?: string;
  /** Exit code; when omitted it is derived from the cause (see `exitCodeFor`), else UNEXPECTED. */
  exitCode?: ExitCodeValue;
  cause?: unknown;
  /** Stable machine-readable code for `--json` output (default `CLI_ERROR`). */
  code?: string;
  /**
   * Append the cause's message to the printed message (default true). Set false when the message
   * already says what the cause says in better words; the cause still shows with `--debug`.
   */
  showCause?: boolean;
}

/**
 * An error a command raises on purpose, with a message meant for the user, an optional hint and
 * the exit code. `BaseCommand.catch` prints it as one line: `error: <message>; <hint>`.
 */
export class CliError extends KstreamError {
  declare readonly hint?: string;
  declare readonly exitCode: ExitCodeValue;
  declare readonly showCause: boolean;

  constructor(message: string, options: CliErrorOptions = {}) {
    const exitCode = options.exitCode ?? (options.cause === undefined ? ExitCode.UNEXPECTED : exitCodeFor(options.cause));
    super(options.code ?? 'CLI_ERROR', message, {
      cause: options.cause,
      context: { exitCode, showCause: options.showCause ?? true, ...(options.hint === undefined ? {} : { hint: options.hint }) },
    });
  }
}

/** How an error is shown to the user. */
export interface ErrorReport {
  /** Stable code: KstreamError codes, `USAGE` for flag errors, errno codes, else `UNEXPECTED`. */
  code: string;
  /** One line. */
  message: string;
  hint: string | null;
  exitCode: ExitCodeValue;
}

const DEFAULT_HINTS: Partial<Record<ExitCodeValue, string>> = {
  [ExitCode.UNREACHABLE]: "is the broker running? check with 'kstream broker status'",
};

/** Makes a possibly multi-line message one line. */
export function oneLine(text: string): string {
  return stripVTControlCharacters(text)
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join('; ');
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** The innermost useful message: aggregate errors (retries) are summarised by their last member. */
function leafMessage(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) {
    const last = err.errors[err.errors.length - 1];
    return `${messageOf(err)} (${leafMessage(last)})`;
  }
  return messageOf(err);
}

/**
 * Turns any error into what `BaseCommand.catch` prints. oclif's flag errors lose their
 * "See more help with --help" tail (it becomes the hint); a cause's message is appended when it
 * adds information.
 */
export function reportError(err: unknown, commandId?: string): ErrorReport {
  const exitCode = exitCodeFor(err);
  const e = (typeof err === 'object' && err !== null ? err : {}) as { code?: unknown; hint?: unknown; oclif?: unknown; cause?: unknown };
  let message = leafMessage(err);
  let hint = typeof e.hint === 'string' ? e.hint : null;
  let code: string;

  if (err instanceof CliError && err.showCause && e.cause !== undefined) {
    const causeMessage = leafMessage(e.cause);
    if (causeMessage && !message.includes(causeMessage)) message = `${message}: ${causeMessage}`;
  }

  if (e.oclif !== undefined && !(err instanceof KstreamError)) {
    // oclif parse errors: "Nonexistent flag: --x\nSee more help with --help"
    message = message.replace(/\n?See more help with --help\s*$/, '').replace(/^The following errors? occurred:\s*/, '');
    code = 'USAGE';
    hint ??= `see 'kstream${commandId ? ' ' + commandId.replaceAll(':', ' ') : ''} --help'`;
  } else if (typeof e.code === 'string' && e.code !== '') {
    code = e.code;
  } else {
    code = exitCodeName(exitCode);
  }
  hint ??= DEFAULT_HINTS[exitCode] ?? null;
  return { code, message: oneLine(message) || 'unknown error', hint: hint === null ? null : oneLine(hint), exitCode };
}
