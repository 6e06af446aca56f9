import { afterEach, describe, expect, it } from 'vitest';
import { appendSnapshot, EMPTY_HISTORY } from '../tui/data/history.ts';
import { buildModel } from '../tui/data/model.ts';
import { snapshot } from '../tui/testing/scripted-source.ts';
import { escapeLabelValue, PROMETHEUS_CONTENT_TYPE, renderMetrics, startMetricsServer, type MetricsServer } from './prometheus.ts';

// Two samples a second apart: the log end of orders-0 grows 100 → 200, so time lag interpolates.
const model = buildModel(
  [
    snapshot(1000, { topics: { orders: [100, [5, 50]] }, groups: [{ group: 'app', members: [{ id: 'c-1', client: 'cli', host: '/10.0.0.7', owns: { orders: [0] } }], offsets: { 'orders:0': 90, 'orders:1': 50 } }] }),
    snapshot(2000, {
      topics: { orders: [200, [5, 50]] },
      groups: [
        { group: 'app', members: [{ id: 'c-1', client: 'cli', host: '/10.0.0.7', owns: { orders: [0] } }], offsets: { 'orders:0': 150, 'orders:1': 50 } },
        { group: 'idle', protocolType: 'connect', members: [{ id: 'w-1', owns: {} }] },
      ],
    }),
  ].reduce((h, s) => appendSnapshot(h, s), EMPTY_HISTORY),
);

function sample(text: string, name: string, labels: Record<string, string>): string | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && want.every((w) => l.includes(w)));
  return line?.slice(line.lastIndexOf(' ') + 1);
}

describe('renderMetrics', () => {
  const text = renderMetrics(model, { clusterName: 'local', pollMs: 12 });

  it('declares every kafka-lag-exporter family as a gauge', () => {
    for (const name of [
      'kafka_consumergroup_group_offset',
      'kafka_consumergroup_group_lag',
      'kafka_consumergroup_group_lag_seconds',
      'kafka_consumergroup_group_max_lag',
      'kafka_consumergroup_group_max_lag_seconds',
      'kafka_consumergroup_group_sum_lag',
      'kafka_consumergroup_group_topic_sum_lag',
      'kafka_partition_latest_offset',
      'kafka_partition_earliest_offset',
      'kafka_consumergroup_poll_time_ms',
    ]) {
      expect(text).toContain(`# HELP ${name} `);
      expect(text).toContain(`# TYPE ${name} gauge\n`);
    }
  });

  it('partition metrics with kafka-lag-exporter labels', () => {
    const p0 = { cluster_name: 'local', group: 'app', topic: 'orders', partition: '0', member_host: '/10.0.0.7', consumer_id: 'c-1', client_id: 'cli' };
    expect(text).toContain('kafka_consumergroup_group_lag{cluster_name="local",group="app",topic="orders",partition="0",member_host="/10.0.0.7",consumer_id="c-1",client_id="cli"} 50\n');
    expect(sample(text, 'kafka_consumergroup_group_offset', p0)).toBe('150');
    // 150 was the log end half-way between the samples (100 at 1 s, 200 at 2 s): 0.5 s ago.
    expect(sample(text, 'kafka_consumergroup_group_lag_seconds', p0)).toBe('0.5');
    const p1 = { group: 'app', partition: '1', member_host: '', consumer_id: '', client_id: '' };
    expect(sample(text, 'kafka_consumergroup_group_lag', p1)).toBe('0');
    expect(sample(text, 'kafka_consumergroup_group_lag_seconds', p1)).toBe('0');
  });

  it('group and partition totals', () => {
    expect(sample(text, 'kafka_consumergroup_group_max_lag', { group: 'app' })).toBe('50');
    expect(sample(text, 'kafka_consumergroup_group_sum_lag', { group: 'app' })).toBe('50');
    expect(sample(text, 'kafka_consumergroup_group_max_lag_seconds', { group: 'app' })).toBe('0.5');
    expect(sample(text, 'kafka_consumergroup_group_topic_sum_lag', { group: 'app', topic: 'orders' })).toBe('50');
    expect(sample(text, 'kafka_partition_latest_offset', { topic: 'orders', partition: '0' })).toBe('200');
    expect(sample(text, 'kafka_partition_earliest_offset', { topic: 'orders', partition: '1' })).toBe('5');
    expect(sample(text, 'kafka_consumergroup_poll_time_ms', { cluster_name: 'local' })).toBe('12');
    expect(sample(text, 'kstream_consumergroup_status', { group: 'app', status: 'OK' })).toBe('0');
  });

  it('a group without offsets has only its status', () => {
    expect(text).not.toMatch(/kafka_consumergroup_group_(sum_lag|max_lag)\{cluster_name="local",group="idle"/);
    expect(sample(text, 'kstream_consumergroup_status', { group: 'idle' })).toBe('0');
  });

  it('an unknown time lag is NaN', () => {
    const one = buildModel(appendSnapshot(EMPTY_HISTORY, snapshot(1000, { topics: { t: [10] }, groups: [{ group: 'g', offsets: { 't:0': 4 } }] })));
    const t = renderMetrics(one, { clusterName: 'c' });
    expect(sample(t, 'kafka_consumergroup_group_lag_seconds', { group: 'g' })).toBe('NaN');
    expect(sample(t, 'kafka_consumergroup_group_max_lag_seconds', { group: 'g' })).toBe('NaN');
    expect(t).not.toContain('kafka_consumergroup_poll_time_ms{');
  });

  it('escapes label values', () => {
    expect(escapeLabelValue('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
  });
});

describe('startMetricsServer', () => {
  let server: MetricsServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('serves /metrics on 127.0.0.1, 503 before the first sample, 404 elsewhere', async () => {
    let text: string | null = null;
    server = await startMetricsServer({ host: '127.0.0.1', port: 0, metrics: () => text });
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/metrics`);
    expect((await fetch(server.url)).status).toBe(503);
    text = renderMetrics(model, { clusterName: 'local' });
    const res = await fetch(server.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(PROMETHEUS_CONTENT_TYPE);
    expect(await res.text()).toBe(text);
    expect((await fetch(server.url.replace('/metrics', '/nope'))).status).toBe(404);
    expect((await fetch(server.url, { method: 'POST' })).status).toBe(405);
  });

  it('fails to listen on a port in use', async () => {
    server = await startMetricsServer({ host: '127.0.0.1', port: 0, metrics: () => '' });
    await expect(startMetricsServer({ host: '127.0.0.1', port: server.port, metrics: () => '' })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});
