/**
 * Helpers for commands that stream data through stdin/stdout (produce, consume):
 * - `interruptSignal`: Ctrl+C (SIGINT) or SIGTERM asks the command to stop cleanly through an
 *   AbortSignal; a second Ctrl+C exits at once with 130;
 * - `StreamWriter`: writes to stdout with back-pressure, resolving once the bytes are handed to
 *   the OS, and turns a closed pipe (EPIPE, e.g. `| head`) into `PipeClosedError`;
 * - `ProgressLine`: a rate line on stderr, redrawn in place on a terminal.
 */
import { ExitCode } from './exit-codes.ts';

export interface Interrupt {
  signal: AbortSignal;
  /** Which signal stopped the command, if any. */
  readonly received: NodeJS.Signals | null;
  dispose(): void;
}

/** Installs SIGINT/SIGTERM handlers that abort the returned signal (the second one exits 130). */
export function interruptSignal(): Interrupt {
  const controller = new AbortController();
  let received: NodeJS.Signals | null = null;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (received !== null) process.exit(ExitCode.INTERRUPTED);
    received = sig;
    controller.abort(new Error(`interrupted by ${sig}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    get received() {
      return received;
    },
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** The reader of our stdout went away (EPIPE). */
export class PipeClosedError extends Error {
  readonly code = 'EPIPE';
}

export interface WritableLike {
  write(chunk: Buffer | string, callback?: (err?: Error | null) => void): boolean;
  on(event: 'error', listener: (err: Error) => void): unknown;
  off?(event: 'error', listener: (err: Error) => void): unknown;
  isTTY?: boolean;
  destroyed?: boolean;
}

/** Writes chunks in order; each `write` resolves once its bytes are out. */
export class StreamWriter {
  readonly #stream: WritableLike;
  #closed = false;
  readonly #onError = (err: Error): void => {
    if ((err as NodeJS.ErrnoException).code === 'EPIPE') this.#closed = true;
  };

  constructor(stream: WritableLike) {
    this.#stream = stream;
    // Without a listener an EPIPE would be an uncaught exception.
    stream.on('error', this.#onError);
  }

  get closed(): boolean {
    return this.#closed;
  }

  write(chunk: Buffer | string): Promise<void> {
    if (this.#closed || this.#stream.destroyed) return Promise.reject(new PipeClosedError('output closed'));
    return new Promise((resolve, reject) => {
      this.#stream.write(chunk, (err) => {
        if (!err) {
          resolve();
          return;
        }
        if ((err as NodeJS.ErrnoException).code === 'EPIPE' || (err as NodeJS.ErrnoException).code === 'ERR_STREAM_DESTROYED') {
          this.#closed = true;
          reject(new PipeClosedError('output closed'));
        } else {
          reject(err);
        }
      });
    });
  }

  dispose(): void {
    this.#stream.off?.('error', this.#onError);
  }
}

/** A progress line on stderr: redrawn in place on a terminal, one line per update otherwise. */
export class ProgressLine {
  readonly #stream: WritableLike;
  #shown = false;

  constructor(stream: WritableLike) {
    this.#stream = stream;
  }

  update(text: string): void {
    if (this.#stream.isTTY) {
      this.#stream.write(`\r\x1b[K${text}`);
      this.#shown = true;
    } else {
      this.#stream.write(`${text}\n`);
    }
  }

  /** Clears the line (terminal only). */
  clear(): void {
    if (this.#shown && this.#stream.isTTY) this.#stream.write('\r\x1b[K');
    this.#shown = false;
  }
}

/** `1.2 MB`, `340 kB`, `12 B` (decimal units). */
export function formatBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  return `${n} B`;
}

/** `250ms` under a second, seconds with one decimal under a minute (`12.3s`), else minutes and seconds. */
export function formatSeconds(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const m = Math.floor(ms / 60_000);
  return `${m}m ${Math.round((ms - m * 60_000) / 1000)}s`;
}

/** `1 record` / `2 records`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
