/**
 * One timer for the whole monitor. Components and hooks subscribe with
 * `usePollTimer({intervalMs, isActive}, callback)`; the provider keeps a single pending timeout
 * on its clock, set to the earliest due subscriber, so any number of subscribers cost one timer
 * (as Ink's `useAnimation` shares its timer). A subscriber is called at once when it becomes
 * active, then every `intervalMs`; `isActive: false` unsubscribes it (pause).
 */
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { systemClock, type Clock } from './clock.ts';

interface Subscriber {
  intervalMs: number;
  nextDue: number;
  callback: () => void;
}

/** The shared timer (exported for tests). */
export class PollTimer {
  readonly clock: Clock;
  #subscribers = new Set<Subscriber>();
  #handle: unknown = null;
  #disposed = false;

  constructor(clock: Clock) {
    this.clock = clock;
  }

  /** Calls `callback` now and every `intervalMs`; returns the unsubscribe function. */
  subscribe(intervalMs: number, callback: () => void): () => void {
    const sub: Subscriber = { intervalMs: Math.max(1, intervalMs), nextDue: this.clock.now(), callback };
    this.#subscribers.add(sub);
    this.#schedule();
    return () => {
      this.#subscribers.delete(sub);
      this.#schedule();
    };
  }

  get subscribers(): number {
    return this.#subscribers.size;
  }

  dispose(): void {
    this.#disposed = true;
    this.#subscribers.clear();
    this.#schedule();
  }

  #schedule(): void {
    if (this.#handle !== null) this.clock.clearTimeout(this.#handle);
    this.#handle = null;
    if (this.#disposed || this.#subscribers.size === 0) return;
    let due = Infinity;
    for (const s of this.#subscribers) due = Math.min(due, s.nextDue);
    this.#handle = this.clock.setTimeout(() => this.#fire(), Math.max(0, due - this.clock.now()));
  }

  #fire(): void {
    this.#handle = null;
    const now = this.clock.now();
    for (const s of [...this.#subscribers]) {
      if (s.nextDue > now) continue;
      s.nextDue += s.intervalMs;
      if (s.nextDue <= now) s.nextDue = now + s.intervalMs;
      try {
        s.callback();
      } catch {
        // A subscriber's failure must not stop the others.
      }
    }
    this.#schedule();
  }
}

const PollTimerContext = createContext<PollTimer | null>(null);

export function PollTimerProvider({ clock = systemClock, children }: { clock?: Clock; children: ReactNode }) {
  const [timer] = useState(() => new PollTimer(clock));
  useEffect(() => () => timer.dispose(), [timer]);
  return <PollTimerContext.Provider value={timer}>{children}</PollTimerContext.Provider>;
}

/** The shared timer's clock. */
export function useClock(): Clock {
  return useContext(PollTimerContext)?.clock ?? systemClock;
}

/** Calls `callback` now and every `intervalMs` while `isActive`, on the shared timer. */
export function usePollTimer(options: { intervalMs: number; isActive?: boolean }, callback: () => void): void {
  const timer = useContext(PollTimerContext);
  if (!timer) throw new Error('usePollTimer needs a <PollTimerProvider>');
  const latest = useRef(callback);
  latest.current = callback;
  const active = options.isActive ?? true;
  useEffect(() => {
    if (!active) return undefined;
    return timer.subscribe(options.intervalMs, () => latest.current());
  }, [timer, options.intervalMs, active]);
}
