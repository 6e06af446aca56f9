/**
 * The root of kstream's error classes. Every error kstream raises on purpose extends
 * `KstreamError`: it has a stable string `code` and enumerable context fields, so errors
 * survive JSON.stringify and structured logging, and tests can assert codes instead of text.
 */
export class KstreamError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown; context?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    if (options?.context) Object.assign(this, options.context);
  }
}
