/** Colors of statuses and states, pure. */
import type { BurrowStatus } from '../data/burrow.ts';

export const STATUS_COLORS: Readonly<Record<BurrowStatus, string>> = { OK: 'green', WARN: 'yellow', REWIND: 'magenta', STALL: 'red', STOP: 'red' };

export function stateColor(state: string): string | undefined {
  if (state === 'Stable') return 'green';
  if (state === 'PreparingRebalance' || state === 'CompletingRebalance') return 'yellow';
  if (state === 'Dead') return 'red';
  return undefined;
}
