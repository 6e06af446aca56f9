/** Small helpers for the source tasks. */

/** Waits `ms`, returning early (false) when a signal aborts. */
export function sleep(ms: number, ...signals: (AbortSignal | undefined)[]): Promise<boolean> {
  return new Promise((resolve) => {
    const active = signals.filter((s): s is AbortSignal => s !== undefined);
    if (active.some((s) => s.aborted)) return resolve(false);
    const timer = setTimeout(() => finish(true), Math.max(0, ms));
    function onAbort(): void {
      finish(false);
    }
    function finish(completed: boolean): void {
      clearTimeout(timer);
      for (const s of active) s.removeEventListener('abort', onAbort);
      resolve(completed);
    }
    for (const s of active) s.addEventListener('abort', onAbort, { once: true });
  });
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
