/**
 * Polls the injected source on the shared timer and reduces what it reports into the monitor
 * state (src/tui/data/monitor-state.ts). One poll at a time: a tick that comes while a poll is
 * still out is skipped. Paused (`isActive: false`), nothing is polled and the data stays as it
 * was. A failed poll never throws out of here: it becomes the disconnected state, and the next
 * tick tries again (the source reconnects).
 */
import { useCallback, useEffect, useReducer, useRef } from 'react';
import { pollErrorMessage, type LagSource } from '../../admin/lag-source.ts';
import { initialMonitorState, reduceMonitor, type MonitorEvent, type MonitorSettings, type MonitorState, DEFAULT_MONITOR_SETTINGS } from '../data/monitor-state.ts';
import { useClock, usePollTimer } from './poll-timer.tsx';

export function useMonitor(source: LagSource, options: { intervalMs: number; isActive: boolean; settings?: MonitorSettings }): MonitorState {
  const clock = useClock();
  const settings = options.settings ?? DEFAULT_MONITOR_SETTINGS;
  const reducer = useCallback((s: MonitorState, e: MonitorEvent) => reduceMonitor(s, e, settings), [settings]);
  const [state, dispatch] = useReducer(reducer, clock.now(), initialMonitorState);
  const inFlight = useRef(false);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  usePollTimer({ intervalMs: options.intervalMs, isActive: options.isActive }, () => {
    dispatch({ type: 'tick', at: clock.now() });
    if (inFlight.current) return;
    inFlight.current = true;
    source.poll().then(
      (snapshot) => {
        inFlight.current = false;
        if (mounted.current) dispatch({ type: 'snapshot', snapshot, at: clock.now() });
      },
      (err: unknown) => {
        inFlight.current = false;
        if (mounted.current) dispatch({ type: 'error', message: pollErrorMessage(err), at: clock.now() });
      },
    );
  });
  return state;
}
