/**
 * The live lag monitor's root component. It polls the injected source on the shared timer
 * (hooks/use-monitor.ts), keeps the navigation state (data/ui-state.ts) and renders the current
 * screen between a title bar and the status and help lines, filling the terminal and following
 * its size. All numbers come from pure view models (src/tui/data); nothing here talks to Kafka.
 */
import { Box, Text, useApp, useInput, useStdin } from 'ink';
import { useEffect, useRef, useState } from 'react';
import type { LagSource } from '../admin/lag-source.ts';
import { DEFAULT_MONITOR_SETTINGS, staleForMs, type MonitorSettings } from './data/monitor-state.ts';
import type { MonitorModel } from './data/model.ts';
import {
  handleKey,
  initialUiState,
  rowKeys,
  selectedGroup,
  selectedIndex,
  selectedTopic,
  sortKey,
  splitInput,
  visibleGroups,
  visiblePartitions,
  visibleTopicPartitions,
  visibleTopics,
  type UiState,
} from './data/ui-state.ts';
import { HelpLine, StatusBar, TitleBar } from './components/status-bar.tsx';
import type { Clock } from './hooks/clock.ts';
import { PollTimerProvider } from './hooks/poll-timer.tsx';
import { useMonitor } from './hooks/use-monitor.ts';
import { useViewport, type Viewport } from './hooks/use-viewport.ts';
import { GroupScreen } from './screens/group-screen.tsx';
import { GroupsScreen } from './screens/groups-screen.tsx';
import { TopicScreen, TopicsScreen } from './screens/topics-screen.tsx';

export interface MonitorAppProps {
  source: LagSource;
  /** Shown in the title bar. */
  clusterName: string;
  /** Time between polls (ms). */
  intervalMs: number;
  /** The span of the lag trend (ms). */
  trendMs?: number;
  settings?: MonitorSettings;
  initialScreen?: 'groups' | 'topics';
  /** Start drilled into this group. */
  initialGroup?: string;
  /** The clock (tests pass a manual one). */
  clock?: Clock;
  /** A fixed size instead of the terminal's (tests). */
  viewport?: Viewport;
}

export const MIN_COLUMNS = 40;
export const MIN_ROWS = 8;

export function MonitorApp(props: MonitorAppProps) {
  return (
    <PollTimerProvider clock={props.clock}>
      <Monitor {...props} />
    </PollTimerProvider>
  );
}

function screenTitle(ui: UiState, model: MonitorModel): string {
  switch (ui.screen) {
    case 'groups':
      return `groups (${model.groups.length})`;
    case 'group':
      return `group ${ui.group}`;
    case 'topics':
      return `topics (${model.topics.length})`;
    case 'topic':
      return `topic ${ui.topic}`;
  }
}

function Monitor({ source, clusterName, intervalMs, trendMs, settings = DEFAULT_MONITOR_SETTINGS, initialScreen, initialGroup, viewport }: MonitorAppProps) {
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  const [ui, setUi] = useState(() => initialUiState({ screen: initialScreen, group: initialGroup }));
  const state = useMonitor(source, { intervalMs, isActive: !ui.paused, settings });
  const { columns, rows } = useViewport(viewport);
  const model = state.model;
  const span = trendMs ?? settings.limits.trendMs;
  const screenHeight = Math.max(1, rows - 3);

  // Key presses may come faster than renders: each one works on the newest state.
  const modelRef = useRef(model);
  modelRef.current = model;
  useInput(
    (input, key) => {
      setUi((prev) => splitInput({ ...key, input }).reduce((ui, k) => handleKey(ui, k, rowKeys(modelRef.current, ui), Math.max(1, screenHeight - 4)), prev));
    },
    { isActive: isRawModeSupported === true },
  );
  useEffect(() => {
    if (ui.quit) exit();
  }, [ui.quit, exit]);

  if (columns < MIN_COLUMNS || rows < MIN_ROWS) {
    return <Text color="yellow">{`terminal too small (${columns}x${rows}); kstream top needs ${MIN_COLUMNS}x${MIN_ROWS}`}</Text>;
  }

  const stale = state.connection.status === 'disconnected';
  const now = model.at ?? state.now;
  let screen;
  switch (ui.screen) {
    case 'groups': {
      const list = visibleGroups(model, ui);
      const sel = selectedIndex(list.map((g) => g.group), ui.selected.groups);
      screen = <GroupsScreen rows={list} selected={sel} width={columns} height={screenHeight} now={now} trendMs={span} stepMs={intervalMs} stale={stale} />;
      break;
    }
    case 'group': {
      const group = selectedGroup(model, ui);
      const list = visiblePartitions(group, ui);
      const sel = selectedIndex(list.map((p) => `${p.topic}:${p.partition}`), ui.selected.group);
      screen = <GroupScreen group={group} waiting={model.at === null} name={ui.group ?? ''} rows={list} selected={sel} width={columns} height={screenHeight} now={now} trendMs={span} stepMs={intervalMs} stale={stale} />;
      break;
    }
    case 'topics': {
      const list = visibleTopics(model, ui);
      const sel = selectedIndex(list.map((t) => t.topic), ui.selected.topics);
      screen = <TopicsScreen rows={list} selected={sel} width={columns} height={screenHeight} stale={stale} />;
      break;
    }
    case 'topic': {
      const topic = selectedTopic(model, ui);
      const list = visibleTopicPartitions(topic, ui);
      const sel = selectedIndex(list.map((p) => String(p.partition)), ui.selected.topic);
      screen = <TopicScreen topic={topic} name={ui.topic ?? ''} rows={list} selected={sel} width={columns} height={screenHeight} stale={stale} />;
      break;
    }
  }

  return (
    <Box flexDirection="column" width={columns} height={rows}>
      <TitleBar cluster={clusterName} screen={screenTitle(ui, model)} at={model.at} pollMs={state.history.latest?.pollMs ?? null} width={columns} />
      {screen}
      <StatusBar
        connection={state.connection}
        staleMs={staleForMs(state)}
        paused={ui.paused}
        filter={ui.filters[ui.screen]}
        editingFilter={ui.editingFilter}
        sort={sortKey(ui)}
        width={columns}
      />
      <HelpLine screen={ui.screen} editingFilter={ui.editingFilter} />
    </Box>
  );
}
