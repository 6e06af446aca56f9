/**
 * The monitor's data state, pure: a reducer over what the source reports (a snapshot, an error)
 * and clock ticks. It keeps the history and the model built from it, and the connection state:
 * connecting (no answer yet), connected, or disconnected with the error, the number of failed
 * polls in a row and when the last good snapshot was taken. A failed poll keeps the last good
 * data on screen (marked stale); the next good snapshot reconnects.
 */
import type { ClusterSnapshot } from '../../admin/lag-source.ts';
import { appendSnapshot, DEFAULT_HISTORY_LIMITS, EMPTY_HISTORY, type HistoryLimits, type MonitorHistory } from './history.ts';
import { buildModel, DEFAULT_MODEL_CONFIG, EMPTY_MODEL, type ModelConfig, type MonitorModel } from './model.ts';

export interface MonitorSettings {
  limits: HistoryLimits;
  model: ModelConfig;
}

export const DEFAULT_MONITOR_SETTINGS: MonitorSettings = { limits: DEFAULT_HISTORY_LIMITS, model: DEFAULT_MODEL_CONFIG };

export interface ConnectionState {
  status: 'connecting' | 'connected' | 'disconnected';
  /** The last poll's error, while disconnected. */
  error: string | null;
  /** Failed polls in a row. */
  failures: number;
  /** When the last good snapshot was taken (epoch ms). */
  lastGoodAt: number | null;
}

export interface MonitorState {
  history: MonitorHistory;
  model: MonitorModel;
  connection: ConnectionState;
  /** The clock at the last event (epoch ms). */
  now: number;
}

export type MonitorEvent =
  | { type: 'snapshot'; snapshot: ClusterSnapshot; at: number }
  | { type: 'error'; message: string; at: number }
  | { type: 'tick'; at: number };

export function initialMonitorState(now: number): MonitorState {
  return { history: EMPTY_HISTORY, model: EMPTY_MODEL, connection: { status: 'connecting', error: null, failures: 0, lastGoodAt: null }, now };
}

export function reduceMonitor(state: MonitorState, event: MonitorEvent, settings: MonitorSettings = DEFAULT_MONITOR_SETTINGS): MonitorState {
  const now = Math.max(state.now, event.at);
  switch (event.type) {
    case 'tick':
      return now === state.now ? state : { ...state, now };
    case 'snapshot': {
      const history = appendSnapshot(state.history, event.snapshot, settings.limits);
      return {
        history,
        model: history === state.history ? state.model : buildModel(history, settings.model),
        connection: { status: 'connected', error: null, failures: 0, lastGoodAt: event.snapshot.at },
        now,
      };
    }
    case 'error':
      return {
        ...state,
        connection: { status: 'disconnected', error: event.message, failures: state.connection.failures + 1, lastGoodAt: state.connection.lastGoodAt },
        now,
      };
  }
}

/** Milliseconds since the last good snapshot at the state's clock; null before the first. */
export function staleForMs(state: MonitorState): number | null {
  return state.connection.lastGoodAt === null ? null : Math.max(0, state.now - state.connection.lastGoodAt);
}

/**
 * Settings for a poll interval and trend span: rates over max(10 s, 5 intervals); a committed
 * offset still (with lag) for max(30 s, 10 intervals) is stalled or stopped; offset tables kept
 * for max(15 min, the trend span).
 */
export function monitorSettings(options: { intervalMs: number; trendMs?: number }): MonitorSettings {
  const base = DEFAULT_MONITOR_SETTINGS;
  const trendMs = options.trendMs ?? base.limits.trendMs;
  return {
    limits: { ...base.limits, trendMs, table: { ...base.limits.table, maxAgeMs: Math.max(base.limits.table.maxAgeMs, trendMs) } },
    model: { rateWindowMs: Math.max(10_000, 5 * options.intervalMs), evaluation: { ...base.model.evaluation, stallAfterMs: Math.max(30_000, 10 * options.intervalMs) } },
  };
}
