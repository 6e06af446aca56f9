/**
 * The record formats of Kafka Connect's internal topics (keys and JSON values), so that the topics
 * read the same as a Java Connect cluster's:
 *
 * connect-offsets   key   ["<connector>",{<source partition>}]        value {<source offset>} (null: removed)
 * connect-configs   key   connector-<name>                            value {"properties":{...}} (null: deleted)
 *                         task-<name>-<n>                             value {"properties":{...}}
 *                         commit-<name>                               value {"tasks":<count>}
 *                         target-state-<name>                         value {"state":"STARTED"|"PAUSED","state.v2":"STARTED"|"PAUSED"|"STOPPED"}
 * connect-status    key   status-connector-<name>                     value {"state","trace","worker_id","generation"}
 *                         status-task-<name>-<n>                      value (same)
 *
 * Connect serialises these with its JsonConverter (schemas disabled): compact JSON.
 */
import type { SourceOffset, SourcePartition } from '../api.ts';
import type { ConnectorState } from '../herder.ts';
import { isPlainObject, parseJson, stringifyJson } from '../data.ts';

// ---- offsets ------------------------------------------------------------------------------------

export function offsetKey(connector: string, partition: SourcePartition): string {
  return stringifyJson([connector, partition]);
}

export function parseOffsetKey(text: string): { connector: string; partition: SourcePartition } | null {
  let parsed: unknown;
  try {
    parsed = parseJson(text);
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2 || typeof parsed[0] !== 'string' || !isPlainObject(parsed[1])) return null;
  return { connector: parsed[0], partition: parsed[1] };
}

export function offsetValue(offset: SourceOffset | null): string | null {
  return offset === null ? null : stringifyJson(offset);
}

export function parseOffsetValue(text: string | null): SourceOffset | null {
  if (text === null) return null;
  const parsed = parseJson(text);
  return isPlainObject(parsed) ? parsed : null;
}

/** A key for lookups that does not depend on the order of the partition's fields. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return stringifyJson(value ?? null);
}

// ---- configs ------------------------------------------------------------------------------------

export type TargetState = 'STARTED' | 'PAUSED' | 'STOPPED';

export type ConfigRecord =
  | { kind: 'connector'; connector: string; config: Record<string, string> | null }
  | { kind: 'task'; connector: string; task: number; config: Record<string, string> | null }
  | { kind: 'commit'; connector: string; tasks: number }
  | { kind: 'target-state'; connector: string; state: TargetState | null };

export const configKeys = {
  connector: (name: string) => `connector-${name}`,
  task: (name: string, task: number) => `task-${name}-${task}`,
  commit: (name: string) => `commit-${name}`,
  targetState: (name: string) => `target-state-${name}`,
};

export function connectorConfigValue(config: Record<string, string>): string {
  return stringifyJson({ properties: config });
}

export function taskCommitValue(tasks: number): string {
  return stringifyJson({ tasks });
}

export function targetStateValue(state: TargetState): string {
  // Workers older than Connect 3.5 only know STARTED and PAUSED: they read `state`.
  return stringifyJson({ state: state === 'STOPPED' ? 'PAUSED' : state, 'state.v2': state });
}

function stringProps(value: unknown): Record<string, string> | null {
  if (!isPlainObject(value) || !isPlainObject(value.properties)) return null;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value.properties)) if (v !== null && v !== undefined) out[k] = String(v);
  return out;
}

/** Parses one record of the config topic; null for keys this runtime does not use. */
export function parseConfigRecord(key: string, valueText: string | null): ConfigRecord | null {
  const value = valueText === null ? null : parseJson(valueText);
  if (key.startsWith('connector-')) return { kind: 'connector', connector: key.slice('connector-'.length), config: value === null ? null : stringProps(value) };
  if (key.startsWith('target-state-')) {
    const connector = key.slice('target-state-'.length);
    if (value === null) return { kind: 'target-state', connector, state: null };
    if (!isPlainObject(value)) return null;
    const raw = value['state.v2'] ?? value.state;
    if (raw !== 'STARTED' && raw !== 'PAUSED' && raw !== 'STOPPED') return null;
    return { kind: 'target-state', connector, state: raw };
  }
  if (key.startsWith('commit-')) {
    if (!isPlainObject(value) || typeof value.tasks !== 'number') return null;
    return { kind: 'commit', connector: key.slice('commit-'.length), tasks: value.tasks };
  }
  if (key.startsWith('task-')) {
    const m = /^task-(.*)-(\d+)$/s.exec(key);
    if (!m) return null;
    return { kind: 'task', connector: m[1], task: Number(m[2]), config: value === null ? null : stringProps(value) };
  }
  return null;
}

// ---- statuses -----------------------------------------------------------------------------------

export interface StatusValue {
  state: ConnectorState;
  trace: string | null;
  worker_id: string;
  generation: number;
}

export type StatusRecord =
  | { kind: 'connector'; connector: string; status: StatusValue | null }
  | { kind: 'task'; connector: string; task: number; status: StatusValue | null };

export const statusKeys = {
  connector: (name: string) => `status-connector-${name}`,
  task: (name: string, task: number) => `status-task-${name}-${task}`,
};

const STATES: ReadonlySet<string> = new Set(['UNASSIGNED', 'RUNNING', 'PAUSED', 'FAILED', 'RESTARTING', 'STOPPED', 'DESTROYED']);

export function statusValue(status: StatusValue): string {
  return stringifyJson({ state: status.state, trace: status.trace, worker_id: status.worker_id, generation: status.generation });
}

export function parseStatusRecord(key: string, valueText: string | null): StatusRecord | null {
  let status: StatusValue | null = null;
  if (valueText !== null) {
    const v = parseJson(valueText);
    if (!isPlainObject(v) || typeof v.state !== 'string' || !STATES.has(v.state)) return null;
    status = {
      state: (v.state === 'DESTROYED' ? 'UNASSIGNED' : v.state) as ConnectorState,
      trace: typeof v.trace === 'string' ? v.trace : null,
      worker_id: typeof v.worker_id === 'string' ? v.worker_id : '',
      generation: typeof v.generation === 'number' ? v.generation : 0,
    };
  }
  if (key.startsWith('status-connector-')) return { kind: 'connector', connector: key.slice('status-connector-'.length), status };
  const m = /^status-task-(.*)-(\d+)$/s.exec(key);
  if (m) return { kind: 'task', connector: m[1], task: Number(m[2]), status };
  return null;
}
