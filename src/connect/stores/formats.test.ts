import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  configKeys,
  connectorConfigValue,
  offsetKey,
  offsetValue,
  parseConfigRecord,
  parseOffsetKey,
  parseOffsetValue,
  parseStatusRecord,
  statusKeys,
  statusValue,
  targetStateValue,
  taskCommitValue,
} from './formats.ts';

describe('connect-offsets records', () => {
  it.each([
    ['file-source', { filename: '/tmp/in.txt' }, '["file-source",{"filename":"/tmp/in.txt"}]'],
    ['pg', { server: 'db1', table: 'public.t' }, '["pg",{"server":"db1","table":"public.t"}]'],
    ['quote"name', {}, '["quote\\"name",{}]'],
  ])('key of %s', (connector, partition, key) => {
    expect(offsetKey(connector, partition)).toBe(key);
    expect(parseOffsetKey(key)).toEqual({ connector, partition });
  });

  it.each(['not json', '["only-one"]', '[1,{}]', '["a","b"]', '{"a":1}'])('ignores malformed key %s', (key) => {
    expect(parseOffsetKey(key)).toBeNull();
  });

  it('values', () => {
    expect(offsetValue({ position: 42 })).toBe('{"position":42}');
    expect(offsetValue(null)).toBeNull();
    expect(parseOffsetValue('{"lsn":12345678901234567890}')).toEqual({ lsn: 12345678901234567890n });
    expect(parseOffsetValue(null)).toBeNull();
  });

  it('canonical partition keys do not depend on field order', () => {
    expect(canonicalJson(['c', { b: 1, a: 2 }])).toBe(canonicalJson(['c', { a: 2, b: 1 }]));
  });
});

describe('connect-configs records', () => {
  it.each([
    [configKeys.connector('src'), 'connector-src'],
    [configKeys.task('src', 3), 'task-src-3'],
    [configKeys.commit('src'), 'commit-src'],
    [configKeys.targetState('src'), 'target-state-src'],
  ])('key %s', (key, expected) => expect(key).toBe(expected));

  it.each([
    ['STARTED', '{"state":"STARTED","state.v2":"STARTED"}'],
    ['PAUSED', '{"state":"PAUSED","state.v2":"PAUSED"}'],
    ['STOPPED', '{"state":"PAUSED","state.v2":"STOPPED"}'],
  ] as const)('target state %s', (state, value) => {
    expect(targetStateValue(state)).toBe(value);
    expect(parseConfigRecord('target-state-x', value)).toEqual({ kind: 'target-state', connector: 'x', state });
  });

  it.each([
    ['connector-my-conn', connectorConfigValue({ 'connector.class': 'X', 'tasks.max': '1' }), { kind: 'connector', connector: 'my-conn', config: { 'connector.class': 'X', 'tasks.max': '1' } }],
    ['connector-gone', null, { kind: 'connector', connector: 'gone', config: null }],
    ['task-my-conn-12', connectorConfigValue({ a: 'b' }), { kind: 'task', connector: 'my-conn', task: 12, config: { a: 'b' } }],
    ['commit-my-conn', taskCommitValue(2), { kind: 'commit', connector: 'my-conn', tasks: 2 }],
    ['target-state-old', '{"state":"PAUSED"}', { kind: 'target-state', connector: 'old', state: 'PAUSED' }],
    ['session-key', '{"key":"x"}', null],
  ])('parses %s', (key, value, expected) => {
    expect(parseConfigRecord(key, value)).toEqual(expected);
  });

  it('writes Connect\'s JSON', () => {
    expect(connectorConfigValue({ name: 'a' })).toBe('{"properties":{"name":"a"}}');
    expect(taskCommitValue(3)).toBe('{"tasks":3}');
  });
});

describe('connect-status records', () => {
  it('keys and values', () => {
    expect(statusKeys.connector('c')).toBe('status-connector-c');
    expect(statusKeys.task('c-1', 2)).toBe('status-task-c-1-2');
    const v = statusValue({ state: 'FAILED', trace: 'Error: x', worker_id: '127.0.0.1:8083', generation: 4 });
    expect(v).toBe('{"state":"FAILED","trace":"Error: x","worker_id":"127.0.0.1:8083","generation":4}');
    expect(parseStatusRecord('status-task-c-1-2', v)).toEqual({ kind: 'task', connector: 'c-1', task: 2, status: { state: 'FAILED', trace: 'Error: x', worker_id: '127.0.0.1:8083', generation: 4 } });
    expect(parseStatusRecord('status-connector-c', null)).toEqual({ kind: 'connector', connector: 'c', status: null });
    expect(parseStatusRecord('status-topic-t:connector-c', '{"topic":{}}')).toBeNull();
  });
});
