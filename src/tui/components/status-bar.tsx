/**
 * The lines around the screens: the title bar (cluster, screen, time of the data, connection
 * state), the status bar (disconnected with the time since the last good sample, paused, filter,
 * sort) and the help line.
 */
import { Box, Text } from 'ink';
import { fit, formatClock, formatSeconds } from '../data/format.ts';
import type { ConnectionState } from '../data/monitor-state.ts';
import type { ScreenKind } from '../data/ui-state.ts';

export function TitleBar({ cluster, screen, at, pollMs, width }: { cluster: string; screen: string; at: number | null; pollMs: number | null; width: number }) {
  const right = at === null ? 'waiting for data' : `data ${formatClock(at)}${pollMs === null ? '' : ` · poll ${pollMs}ms`}`;
  const left = `kstream top · ${cluster} · ${screen}`;
  return (
    <Text bold wrap="truncate">
      {fit(left, Math.max(0, width - right.length - 1))} <Text dimColor>{right}</Text>
    </Text>
  );
}

export interface StatusBarProps {
  connection: ConnectionState;
  /** Milliseconds since the last good sample. */
  staleMs: number | null;
  paused: boolean;
  filter: string;
  editingFilter: boolean;
  sort: string;
  width: number;
}

export function StatusBar({ connection, staleMs, paused, filter, editingFilter, sort, width }: StatusBarProps) {
  let state;
  if (connection.status === 'disconnected') {
    const since = staleMs === null ? 'no data yet' : `last good sample ${formatSeconds(staleMs)} ago`;
    state = (
      <Text color="red" bold>
        DISCONNECTED
        <Text bold={false}>{` ${connection.error ?? ''} · ${since} · reconnecting (${connection.failures} failed)`}</Text>
      </Text>
    );
  } else if (connection.status === 'connecting') {
    state = <Text color="yellow">connecting…</Text>;
  } else {
    state = <Text color="green">connected</Text>;
  }
  const filterText = editingFilter ? `filter: ${filter}▏` : filter ? `filter: ${filter}` : '';
  return (
    <Box width={width}>
      <Text wrap="truncate">
        {state}
        {paused ? <Text color="yellow" bold>{'  PAUSED'}</Text> : null}
        {filterText ? <Text color="cyan">{`  ${filterText}`}</Text> : null}
        <Text dimColor>{`  sort: ${sort}`}</Text>
      </Text>
    </Box>
  );
}

const HELP: Record<ScreenKind, string> = {
  groups: '↑↓/jk move  ⏎ drill in  / filter  s sort  p pause  t topics  q quit',
  group: '↑↓/jk move  esc back  / filter  s sort  p pause  t topics  g groups  q quit',
  topics: '↑↓/jk move  ⏎ partitions  / filter  s sort  p pause  g groups  q quit',
  topic: '↑↓/jk move  esc back  / filter  s sort  p pause  g groups  t topics  q quit',
};

export function HelpLine({ screen, editingFilter }: { screen: ScreenKind; editingFilter: boolean }) {
  return (
    <Text dimColor wrap="truncate">
      {editingFilter ? 'type to filter  ⏎ keep  esc clear' : HELP[screen]}
    </Text>
  );
}
