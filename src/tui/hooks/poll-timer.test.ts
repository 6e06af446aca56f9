import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock.ts';
import { PollTimer } from './poll-timer.tsx';

describe('PollTimer on a manual clock', () => {
  it('calls at once, then every interval; many subscribers share one timer', () => {
    const clock = new ManualClock(1000);
    const timer = new PollTimer(clock);
    const calls: string[] = [];
    const offA = timer.subscribe(1000, () => calls.push(`a@${clock.now()}`));
    timer.subscribe(500, () => calls.push(`b@${clock.now()}`));
    expect(clock.pending).toBe(1);
    clock.advance(0);
    expect(calls).toEqual(['a@1000', 'b@1000']);
    clock.advance(1000);
    expect(calls).toEqual(['a@1000', 'b@1000', 'b@1500', 'a@2000', 'b@2000']);
    expect(clock.pending).toBe(1);
    offA();
    clock.advance(1000);
    expect(calls.slice(5)).toEqual(['b@2500', 'b@3000']);
  });

  it('stops when nobody listens or when disposed', () => {
    const clock = new ManualClock();
    const timer = new PollTimer(clock);
    const off = timer.subscribe(100, () => undefined);
    off();
    expect(clock.pending).toBe(0);
    timer.subscribe(100, () => undefined);
    timer.dispose();
    expect(clock.pending).toBe(0);
    expect(timer.subscribers).toBe(0);
  });

  it('a throwing subscriber does not stop the others', () => {
    const clock = new ManualClock();
    const timer = new PollTimer(clock);
    let n = 0;
    timer.subscribe(100, () => {
      throw new Error('boom');
    });
    timer.subscribe(100, () => void n++);
    clock.advance(250);
    expect(n).toBe(3);
  });

  it('does not pile up calls after the event loop stalled', () => {
    // A clock whose time jumps while the timer is late: the timer fires once, not once per missed interval.
    let now = 0;
    let pending: (() => void) | null = null;
    const clock = { now: () => now, setTimeout: (fn: () => void) => ((pending = fn), 1), clearTimeout: () => void (pending = null) };
    const timer = new PollTimer(clock);
    let n = 0;
    timer.subscribe(100, () => void n++);
    pending!();
    now = 1000;
    pending!();
    expect(n).toBe(2);
    now = 1050;
    pending!();
    expect(n).toBe(2);
    now = 1100;
    pending!();
    expect(n).toBe(3);
  });
});
