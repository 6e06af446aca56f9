/**
 * Lag metrics in the Prometheus text exposition format (version 0.0.4), with kafka-lag-exporter's
 * metric names and labels, so its dashboards and alerts work unchanged, and a tiny node:http
 * server for them (`groups lag --prometheus PORT`).
 *
 * Families (all gauges):
 * - per group and partition, labels cluster_name, group, topic, partition, member_host,
 *   consumer_id, client_id: `kafka_consumergroup_group_offset` (committed offset),
 *   `kafka_consumergroup_group_lag` (records), `kafka_consumergroup_group_lag_seconds`
 *   (estimated time lag; NaN when it cannot be told);
 * - per group, labels cluster_name, group: `kafka_consumergroup_group_max_lag`,
 *   `kafka_consumergroup_group_max_lag_seconds`, `kafka_consumergroup_group_sum_lag`;
 *   per group and topic: `kafka_consumergroup_group_topic_sum_lag`;
 * - per partition, labels cluster_name, topic, partition: `kafka_partition_latest_offset`,
 *   `kafka_partition_earliest_offset`;
 * - `kafka_consumergroup_poll_time_ms` (cluster_name): how long the last poll took;
 * - kstream's own `kstream_consumergroup_status` (cluster_name, group, status): the group's
 *   status (OK, WARN, REWIND, STALL, STOP) as its severity, 0 to 4.
 * Partitions without a committed offset have no per-partition group metrics (the lag is unknown).
 * Unknown members are empty labels.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { STATUS_SEVERITY } from '../tui/data/burrow.ts';
import type { MonitorModel } from '../tui/data/model.ts';

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** A label value with backslash, double quote and newline escaped. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatValue(v: number | bigint | null): string {
  if (v === null) return 'NaN';
  if (typeof v === 'bigint') return v.toString();
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

class Family {
  readonly lines: string[] = [];
  readonly name: string;
  readonly help: string;

  constructor(name: string, help: string) {
    this.name = name;
    this.help = help;
  }

  add(labels: Record<string, string>, value: number | bigint | null): void {
    const l = Object.entries(labels)
      .map(([k, v]) => `${k}="${escapeLabelValue(v)}"`)
      .join(',');
    this.lines.push(`${this.name}{${l}} ${formatValue(value)}`);
  }

  text(): string {
    return `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} gauge\n${this.lines.join('\n')}${this.lines.length > 0 ? '\n' : ''}`;
  }
}

export interface MetricsOptions {
  clusterName: string;
  /** How long the last poll took (ms). */
  pollMs?: number | null;
}

/** The metrics text for a model. */
export function renderMetrics(model: MonitorModel, options: MetricsOptions): string {
  const cluster_name = options.clusterName;
  const offset = new Family('kafka_consumergroup_group_offset', 'The committed offset of the group for this topic partition.');
  const lag = new Family('kafka_consumergroup_group_lag', 'Records between the log end offset and the committed offset of the group.');
  const lagSeconds = new Family('kafka_consumergroup_group_lag_seconds', 'Estimated age of the oldest record the group has not consumed (interpolated from log end offset history), in seconds.');
  const maxLag = new Family('kafka_consumergroup_group_max_lag', 'The largest partition lag of the group.');
  const maxLagSeconds = new Family('kafka_consumergroup_group_max_lag_seconds', 'The largest partition time lag of the group, in seconds.');
  const sumLag = new Family('kafka_consumergroup_group_sum_lag', 'The sum of the partition lags of the group.');
  const topicSumLag = new Family('kafka_consumergroup_group_topic_sum_lag', 'The sum of the partition lags of the group on one topic.');
  const latest = new Family('kafka_partition_latest_offset', 'The log end offset of the partition.');
  const earliest = new Family('kafka_partition_earliest_offset', 'The log start offset of the partition.');
  const pollTime = new Family('kafka_consumergroup_poll_time_ms', 'How long the last poll of the cluster took, in milliseconds.');
  const status = new Family('kstream_consumergroup_status', 'The group status after Burrow-style rules as its severity: 0 OK, 1 WARN, 2 REWIND, 3 STALL, 4 STOP.');

  for (const g of model.groups) {
    const topicSums = new Map<string, bigint>();
    let maxSeconds: number | null = null;
    let known = 0;
    for (const p of g.partitions) {
      if (p.committed === null || p.lag === null) continue;
      known++;
      const labels = {
        cluster_name,
        group: g.group,
        topic: p.topic,
        partition: String(p.partition),
        member_host: p.owner?.host ?? '',
        consumer_id: p.owner?.memberId ?? '',
        client_id: p.owner?.clientId ?? '',
      };
      offset.add(labels, p.committed);
      lag.add(labels, p.lag);
      const seconds = p.timeLag ? p.timeLag.ms / 1000 : null;
      lagSeconds.add(labels, seconds);
      if (seconds !== null && (maxSeconds === null || seconds > maxSeconds)) maxSeconds = seconds;
      topicSums.set(p.topic, (topicSums.get(p.topic) ?? 0n) + p.lag);
    }
    const groupLabels = { cluster_name, group: g.group };
    if (known > 0) {
      maxLag.add(groupLabels, g.maxLag);
      maxLagSeconds.add(groupLabels, maxSeconds);
      sumLag.add(groupLabels, g.lag);
      for (const [topic, sum] of [...topicSums].sort(([a], [b]) => (a < b ? -1 : 1))) topicSumLag.add({ cluster_name, group: g.group, topic }, sum);
    }
    status.add({ ...groupLabels, status: g.evaluation.status }, STATUS_SEVERITY[g.evaluation.status]);
  }
  for (const t of model.topics) {
    for (const p of t.partitions) {
      const labels = { cluster_name, topic: t.topic, partition: String(p.partition) };
      if (p.logEnd !== null) latest.add(labels, p.logEnd);
      if (p.logStart !== null) earliest.add(labels, p.logStart);
    }
  }
  if (options.pollMs !== undefined && options.pollMs !== null) pollTime.add({ cluster_name }, options.pollMs);
  return [offset, lag, lagSeconds, maxLag, maxLagSeconds, sumLag, topicSumLag, latest, earliest, pollTime, status].map((f) => f.text()).join('');
}

export interface MetricsServer {
  host: string;
  port: number;
  /** `http://host:port/metrics` */
  url: string;
  close(): Promise<void>;
}

export interface MetricsServerOptions {
  host: string;
  port: number;
  /** The current metrics text; null before the first sample (answered 503). */
  metrics: () => string | null;
}

function answer(res: ServerResponse, status: number, body: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
  res.end(body);
}

/** Serves `GET /metrics` on host:port (0 picks a free port). */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return answer(res, 405, 'method not allowed\n');
    if (path === '/metrics') {
      let text: string | null;
      try {
        text = options.metrics();
      } catch (err) {
        return answer(res, 500, `error: ${err instanceof Error ? err.message : String(err)}\n`);
      }
      if (text === null) return answer(res, 503, 'no sample of the cluster yet\n');
      return answer(res, 200, text, PROMETHEUS_CONTENT_TYPE);
    }
    if (path === '/') return answer(res, 200, 'kstream lag metrics: /metrics\n');
    return answer(res, 404, 'not found\n');
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(options.port, options.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostText = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    host: address.address,
    port: address.port,
    url: `http://${hostText}:${address.port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
