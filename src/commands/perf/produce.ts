import { randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Args, Flags } from '@oclif/core';
import { Producer, type CompressionAlgorithmValue, type ProducerOptions } from '@platformatic/kafka';
import { formatProduceSummary, formatProduceWindow, LatencyRecorder, producePerfSummary, recordsPerBatch, throttleDelayMs, Window, type ProducePerfSummary } from '../../admin/perf-stats.ts';
import { formatServers } from '../../admin/client.ts';
import { ClusterCommand } from '../../cli/cluster-command.ts';
import { clientBaseOptions } from '../../cli/cluster-target.ts';
import { CliError } from '../../cli/errors.ts';
import { ExitCode } from '../../cli/exit-codes.ts';
import { hasKafkaError } from '../../cli/kafka-errors.ts';
import { writeAndFlush } from '../../cli/output.ts';
import { closeQuietly, ensureTopic, onSigint, reportIntervalFlag, runDurationFlag, sleep } from '../../cli/perf-support.ts';

/** Produce requests in flight at once (the client's default per connection). */
const MAX_IN_FLIGHT = 5;

const ACKS: Record<string, number> = { all: -1, '-1': -1, '0': 0, '1': 1 };

export default class PerfProduce extends ClusterCommand<typeof PerfProduce> {
  static override summary = 'Measure produce throughput and latency.';
  static override description = `Sends --records records of --record-size bytes to TOPIC as fast as possible, or at --throughput records per second, and reports the rate and the latency, in the manner of kafka-producer-perf-test. Stops after --records or --duration, whichever comes first (Ctrl-C stops early and still reports).

Records are sent in produce requests of up to --batch-size bytes each, ${MAX_IN_FLIGHT} requests in flight at most. Latency is measured per request — from handing the batch to the client until the broker's acknowledgement — and counted once for each record in it, so the percentiles are per record.

A progress line goes to stderr every 5 s; the final summary (average, maximum and 50th/95th/99th/99.9th percentile latency in ms) to stdout, or as a JSON object with --json: {records, bytes, seconds, recordsPerSec, mbPerSec, latency: {avg, max, p50, p95, p99, p999}}. MB are 1024 × 1024 bytes.`;
  static override examples = [
    '<%= config.bin %> perf produce bench --records 100000 --record-size 100',
    '<%= config.bin %> perf produce bench --records 1000000 --record-size 1000 --throughput 50000 --acks 1 --compression lz4',
    '<%= config.bin %> perf produce bench --records 10000000 --record-size 100 --duration 30s --json',
  ];
  static override args = {
    topic: Args.string({ description: 'Topic to produce to (must exist)', required: true }),
  };
  static override flags = {
    records: Flags.integer({ description: 'Number of records to send', required: true, min: 1 }),
    'record-size': Flags.integer({ description: 'Size of each record value in bytes', default: 100, min: 0 }),
    throughput: Flags.integer({ description: 'Records per second to aim for; -1 for as fast as possible', default: -1, min: -1 }),
    acks: Flags.option({ options: ['all', '-1', '0', '1'] as const, description: 'Acknowledgements to wait for', default: 'all' as const })(),
    compression: Flags.option({ options: ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const, description: 'Compression codec', default: 'none' as const })(),
    'batch-size': Flags.integer({ description: 'Bytes of record values per produce request (at least one record)', default: 16384, min: 1 }),
    duration: runDurationFlag('Stop after this long even if fewer records were sent'),
    'report-interval': reportIntervalFlag(),
  };

  async run(): Promise<ProducePerfSummary> {
    const f = this.flags;
    const { topic } = this.args;
    const recordSize = f['record-size'];
    const payload = Buffer.alloc(recordSize);
    for (let i = 0; i < recordSize; i++) payload[i] = 65 + randomInt(26);
    const perBatch = recordsPerBatch(f['batch-size'], recordSize, f.throughput);

    const producer = new Producer({
      ...clientBaseOptions(this.connection, this.timeoutMs),
      acks: ACKS[f.acks],
      compression: f.compression as CompressionAlgorithmValue,
      autocreateTopics: false,
    } as ProducerOptions<Buffer, Buffer, Buffer, Buffer>);

    let interrupted = false;
    const removeSigint = onSigint(() => {
      interrupted = true;
    });
    const recorder = new LatencyRecorder();
    let reporter: NodeJS.Timeout | undefined;
    try {
      await ensureTopic(producer, topic, this.timeoutMs, formatServers(this.connection.servers));

      const start = performance.now();
      const deadline = f.duration === undefined ? Infinity : start + f.duration;
      const window = new Window(start);
      if (f['report-interval'] > 0) {
        reporter = setInterval(() => this.out.message(formatProduceWindow(window.take(performance.now()))), f['report-interval']);
      }
      let started = 0;
      let acked = 0;
      let failure: unknown = null;
      const inFlight = new Set<Promise<void>>();
      while (started < f.records && failure === null && !interrupted) {
        const now = performance.now();
        if (now >= deadline) break;
        const wait = throttleDelayMs(start, started, f.throughput, now);
        if (wait > 0) {
          await sleep(Math.min(wait, deadline - now, 100));
          continue;
        }
        if (inFlight.size >= MAX_IN_FLIGHT) {
          await Promise.race(inFlight);
          continue;
        }
        const n = Math.min(perBatch, f.records - started);
        const messages = Array.from({ length: n }, () => ({ topic, value: payload }));
        started += n;
        const sentAt = performance.now();
        const sending: Promise<void> = producer.send({ messages }).then(
          () => {
            const latency = performance.now() - sentAt;
            recorder.record(latency, n);
            window.add(n, n * recordSize, latency);
            acked += n;
          },
          (err: unknown) => {
            failure ??= err;
          },
        );
        const tracked = sending.finally(() => inFlight.delete(tracked));
        inFlight.add(tracked);
      }
      await Promise.all(inFlight);
      const elapsed = performance.now() - start;
      clearInterval(reporter);
      if (failure !== null) throw this.sendError(topic, failure, acked);

      const summary = producePerfSummary(acked, acked * recordSize, elapsed, recorder.summary());
      if (!this.jsonEnabled()) await writeAndFlush(process.stdout, formatProduceSummary(summary) + '\n');
      if (interrupted) {
        if (this.jsonEnabled()) await this.exitWithJson(summary, ExitCode.INTERRUPTED);
        this.exit(ExitCode.INTERRUPTED);
      }
      return summary;
    } finally {
      clearInterval(reporter);
      removeSigint();
      await closeQuietly(() => producer.close());
    }
  }

  private sendError(topic: string, err: unknown, acked: number): CliError {
    if (hasKafkaError(err, 'UNKNOWN_TOPIC_OR_PARTITION')) {
      return new CliError(`topic ${JSON.stringify(topic)} does not exist`, { exitCode: ExitCode.KAFKA_ERROR, code: 'UNKNOWN_TOPIC_OR_PARTITION', cause: err, showCause: false, hint: "list topics with 'kstream topics'" });
    }
    return new CliError(`sending failed after ${acked} acknowledged records`, { cause: err });
  }
}
