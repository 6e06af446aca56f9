import { describe, expect, it } from 'vitest';
import { snapshot } from '../testing/scripted-source.ts';
import { initialMonitorState, monitorSettings, reduceMonitor, staleForMs, type MonitorEvent, type MonitorState } from './monitor-state.ts';

const snap = (at: number, lag: number) => snapshot(at, { topics: { t: [100] }, groups: [{ group: 'g', offsets: { 't:0': 100 - lag } }] });

function run(events: MonitorEvent[]): MonitorState {
  return events.reduce((s, e) => reduceMonitor(s, e), initialMonitorState(0));
}

describe('reduceMonitor', () => {
  it('connecting, then connected with a model', () => {
    expect(initialMonitorState(5).connection.status).toBe('connecting');
    const s = run([{ type: 'snapshot', snapshot: snap(1000, 10), at: 1000 }]);
    expect(s.connection).toEqual({ status: 'connected', error: null, failures: 0, lastGoodAt: 1000 });
    expect(s.model.groups[0].lag).toBe(10n);
  });

  it('a failed poll: disconnected, keeping the last data; time since the last good sample; reconnects', () => {
    const s = run([
      { type: 'snapshot', snapshot: snap(1000, 10), at: 1000 },
      { type: 'error', message: 'Connection refused', at: 2000 },
      { type: 'error', message: 'Connection refused', at: 3000 },
      { type: 'tick', at: 4500 },
    ]);
    expect(s.connection).toEqual({ status: 'disconnected', error: 'Connection refused', failures: 2, lastGoodAt: 1000 });
    expect(s.model.groups[0].lag).toBe(10n);
    expect(staleForMs(s)).toBe(3500);
    const back = reduceMonitor(s, { type: 'snapshot', snapshot: snap(5000, 3), at: 5000 });
    expect(back.connection.status).toBe('connected');
    expect(back.model.groups[0].lag).toBe(3n);
  });

  it('disconnected before any data', () => {
    const s = run([{ type: 'error', message: 'nope', at: 100 }]);
    expect(s.connection.status).toBe('disconnected');
    expect(staleForMs(s)).toBeNull();
  });

  it('a tick at the same time changes nothing', () => {
    const s = initialMonitorState(10);
    expect(reduceMonitor(s, { type: 'tick', at: 10 })).toBe(s);
  });
});

describe('monitorSettings', () => {
  it('scales the windows with the interval', () => {
    expect(monitorSettings({ intervalMs: 1000 }).model).toMatchObject({ rateWindowMs: 10_000, evaluation: { stallAfterMs: 30_000 } });
    expect(monitorSettings({ intervalMs: 5000, trendMs: 3_600_000 })).toMatchObject({ limits: { trendMs: 3_600_000, table: { maxAgeMs: 3_600_000 } }, model: { rateWindowMs: 25_000, evaluation: { stallAfterMs: 50_000 } } });
  });
});
