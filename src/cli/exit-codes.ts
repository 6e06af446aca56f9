/**
 * kstream's exit codes. Every command exits with one of these; `exitCodeFor` is the single
 * place that decides which one an error gets.
 *
 * | code | name         | meaning                                                                 |
 * |------|--------------|-------------------------------------------------------------------------|
 * | 0    | OK           | success (also: `broker stop` when nothing was running)                  |
 * | 1    | UNEXPECTED   | any other failure: a bug, an I/O error, a state conflict (already running) |
 * | 2    | USAGE        | the invocation is wrong: unknown flag, bad flag value, invalid config file or value |
 * | 3    | KAFKA_ERROR  | the cluster answered, with a Kafka error code                           |
 * | 4    | UNREACHABLE  | cannot connect, the connection dropped, or a request timed out; `broker status` when not running |
 * | 130  | INTERRUPTED  | a client command was interrupted (SIGINT), as shells report 128+2        |
 *
 * A broker asked to stop with SIGINT/SIGTERM exits 0: stopping is what it was asked to do, so
 * service managers (systemd, Docker) see a clean stop. 130 is for a client command cut short.
 */
export const ExitCode = {
  OK: 0,
  UNEXPECTED: 1,
  USAGE: 2,
  KAFKA_ERROR: 3,
  UNREACHABLE: 4,
  INTERRUPTED: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

const NETWORK_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  exitCode?: unknown;
  errorCode?: unknown;
  oclif?: { exit?: unknown };
  errors?: unknown;
  cause?: unknown;
}

function asErrorLike(err: unknown): ErrorLike | null {
  return typeof err === 'object' && err !== null ? (err as ErrorLike) : null;
}

/** The direct classification of one error (not looking at causes), or null when it says nothing. */
function classifyOne(e: ErrorLike): ExitCodeValue | null {
  // An explicit exit code (CliError) wins.
  if (typeof e.exitCode === 'number' && isExitCode(e.exitCode)) return e.exitCode;
  const code = typeof e.code === 'string' ? e.code : '';
  if (code.startsWith('CONFIG_')) return ExitCode.USAGE;
  // A Kafka error code from the cluster (kstream's KafkaProtocolError, @platformatic/kafka ProtocolError/ResponseError).
  if (code.startsWith('KAFKA_') || typeof e.errorCode === 'number') return ExitCode.KAFKA_ERROR;
  if (code === 'PLT_KFK_PROTOCOL' || code === 'PLT_KFK_RESPONSE') return ExitCode.KAFKA_ERROR;
  if (code === 'PLT_KFK_NETWORK' || code === 'PLT_KFK_TIMEOUT' || code === 'TIMEOUT') return ExitCode.UNREACHABLE;
  if (code === 'PLT_KFK_USER') return ExitCode.USAGE;
  if (NETWORK_ERRNOS.has(code)) return ExitCode.UNREACHABLE;
  if (e.name === 'AbortError' || code === 'ABORT_ERR') return ExitCode.INTERRUPTED;
  if (e.name === 'TimeoutError') return ExitCode.UNREACHABLE;
  // oclif's own errors (flag parsing) carry the exit code oclif chose: 2 for usage errors.
  if (e.oclif && typeof e.oclif.exit === 'number') return e.oclif.exit === 2 ? ExitCode.USAGE : e.oclif.exit === 0 ? ExitCode.OK : ExitCode.UNEXPECTED;
  return null;
}

function isExitCode(n: number): n is ExitCodeValue {
  return (Object.values(ExitCode) as number[]).includes(n);
}

/**
 * Maps any error to an exit code. The error itself is looked at first, then its causes and, for
 * aggregate errors (as @platformatic/kafka raises after retries), its members: the first member
 * that classifies decides. Anything unrecognised is UNEXPECTED.
 */
export function exitCodeFor(err: unknown): ExitCodeValue {
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number): ExitCodeValue | null => {
    const e = asErrorLike(value);
    if (!e || seen.has(value) || depth > 8) return null;
    seen.add(value);
    const direct = classifyOne(e);
    if (direct !== null) return direct;
    if (Array.isArray(e.errors)) {
      for (const member of e.errors) {
        const c = visit(member, depth + 1);
        if (c !== null) return c;
      }
    }
    return visit(e.cause, depth + 1);
  };
  return visit(err, 0) ?? ExitCode.UNEXPECTED;
}

/** The name of an exit code (`4` → `UNREACHABLE`). */
export function exitCodeName(code: number): string {
  for (const [name, value] of Object.entries(ExitCode)) if (value === code) return name;
  return 'UNEXPECTED';
}
