import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Args, Flags } from '@oclif/core';
import { Consumer, consumerFetchesChannel, MessagesStreamFallbackModes, MessagesStreamModes, type ConsumerOptions, type Message, type MessagesStream } from '@platformatic/kafka';
import { formatServers } from '../../admin/client.ts';
import { consumePerfSummary, formatConsumeSummary, formatConsumeWindow, LatencyRecorder, Window, type ConsumePerfSummary } from '../../admin/perf-stats.ts';
import { ClusterCommand } from '../../cli/cluster-command.ts';
import { clientBaseOptions } from '../../cli/cluster-target.ts';
import { CliError } from '../../cli/errors.ts';
import { ExitCode } from '../../cli/exit-codes.ts';
import { timeoutFlag } from '../../cli/flags.ts';
import { writeAndFlush } from '../../cli/output.ts';
import { closeQuietly, ensureTopic, onSigint, reportIntervalFlag, runDurationFlag, within } from '../../cli/perf-support.ts';

type BufferMessage = Message<Buffer, Buffer, Buffer, Buffer>;

/** What the diagnostics channel passes to subscribers: the context the client created. */
interface FetchTraceContext {
  client?: unknown;
}

export default class PerfConsume extends ClusterCommand<typeof PerfConsume> {
  static override summary = 'Measure consume throughput and fetch latency.';
  static override description = `Consumes --records records of TOPIC in a consumer group and reports the rate, in the manner of kafka-consumer-perf-test. Without --group a new group (kstream-perf-<random>) reads from the earliest offset and commits nothing; with --group the group's committed offsets are the start (earliest where it has none) and the offsets after the last record counted are committed at the end.

Stops after --records records, when no record arrives for --timeout (default 10s), after --duration, or on Ctrl-C; a run that stops short says so on stderr and still reports ("complete": false in JSON).

A progress line goes to stderr every 5 s; the summary goes to stdout, or as JSON with --json: {records, expected, complete, bytes, seconds, recordsPerSec, mbPerSec, startupMs, fetch: {count, avg, max, p50, p95, p99, p999}}. Bytes count keys and values; MB are 1024 × 1024 bytes. "seconds" and the rates cover the whole run, group join included; startupMs is the time to the first record. Fetch latency is each Fetch request's round trip as the client traces it (a fetch that long-polls at the log end includes the broker's wait).`;
  static override examples = [
    '<%= config.bin %> perf consume bench --records 100000',
    '<%= config.bin %> perf consume bench --records 1000000 --group perf --timeout 30s --json',
  ];
  static override args = {
    topic: Args.string({ description: 'Topic to consume (must exist)', required: true }),
  };
  static override flags = {
    records: Flags.integer({ description: 'Number of records to consume', required: true, min: 1 }),
    group: Flags.string({ description: 'Consumer group [default: a new kstream-perf-<random> group]' }),
    timeout: timeoutFlag({ description: 'Stop when no record arrives for this long (also bounds connecting)', defaultMs: 10_000 }),
    duration: runDurationFlag('Stop after this long even if fewer records arrived'),
    'report-interval': reportIntervalFlag(),
  };

  async run(): Promise<ConsumePerfSummary> {
    const f = this.flags;
    const { topic } = this.args;
    const groupId = f.group ?? `kstream-perf-${randomBytes(4).toString('hex')}`;
    const where = formatServers(this.connection.servers);
    const consumer = new Consumer({
      ...clientBaseOptions(this.connection, this.timeoutMs),
      groupId,
      autocommit: false,
      maxWaitTime: 500,
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
    } as ConsumerOptions<Buffer, Buffer, Buffer, Buffer>);

    const fetches = new LatencyRecorder();
    const fetchStarts = new WeakMap<object, number>();
    const trace = {
      start: (ctx: object) => {
        if ((ctx as FetchTraceContext).client === consumer) fetchStarts.set(ctx, performance.now());
      },
      asyncEnd: (ctx: object) => {
        const t = fetchStarts.get(ctx);
        if (t !== undefined) fetches.record(performance.now() - t);
      },
    };
    consumerFetchesChannel.subscribe(trace as Parameters<typeof consumerFetchesChannel.subscribe>[0]);

    let stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> | undefined;
    let reporter: NodeJS.Timeout | undefined;
    let stopReason: string | null = null;
    let stop: () => void = () => {};
    const removeSigint = onSigint(() => {
      stopReason = 'interrupted';
      stop();
    });
    try {
      await ensureTopic(consumer, topic, this.timeoutMs, where);
      const start = performance.now();
      const window = new Window(start);
      if (f['report-interval'] > 0) {
        reporter = setInterval(() => this.out.message(formatConsumeWindow(window.take(performance.now()))), f['report-interval']);
      }
      stream = await within(
        consumer.consume({
          topics: [topic],
          mode: f.group ? MessagesStreamModes.COMMITTED : MessagesStreamModes.EARLIEST,
          fallbackMode: MessagesStreamFallbackModes.EARLIEST,
          autocommit: false,
          maxWaitTime: 500,
        }),
        this.timeoutMs,
        () => new CliError(`could not join group ${groupId} on ${where} within ${this.timeoutMs} ms`, { exitCode: ExitCode.UNREACHABLE, code: 'TIMEOUT' }),
      );

      let records = 0;
      let bytes = 0;
      let firstAt: number | null = null;
      let lastAt = start;
      /** The next offset per partition after the records counted: what --group commits. */
      const positions = new Map<string, { topic: string; partition: number; offset: bigint; leaderEpoch: number }>();
      let idle: NodeJS.Timeout | undefined;
      let runLimit: NodeJS.Timeout | undefined;
      const done = new Promise<void>((resolve, reject) => {
        const armIdle = () => {
          clearTimeout(idle);
          idle = setTimeout(() => {
            stopReason ??= `no record arrived for ${this.timeoutMs} ms`;
            resolve();
          }, this.timeoutMs);
        };
        if (f.duration !== undefined) {
          runLimit = setTimeout(() => {
            stopReason ??= `the --duration of ${f.duration} ms ran out`;
            resolve();
          }, Math.max(0, f.duration - (performance.now() - start)));
        }
        stop = () => resolve();
        if (stopReason === 'interrupted') resolve();
        armIdle();
        stream!.on('data', (message: BufferMessage) => {
          if (records >= f.records) return;
          const now = performance.now();
          firstAt ??= now;
          lastAt = now;
          const size = (message.key?.length ?? 0) + (message.value?.length ?? 0);
          positions.set(`${message.topic}:${message.partition}`, { topic: message.topic, partition: message.partition, offset: message.offset + 1n, leaderEpoch: message.leaderEpoch });
          records++;
          bytes += size;
          window.add(1, size);
          if (records >= f.records) resolve();
          else armIdle();
        });
        stream!.once('error', reject);
      });
      try {
        await done;
      } finally {
        clearTimeout(idle);
        clearTimeout(runLimit);
      }
      clearInterval(reporter);
      if (f.group && positions.size > 0) {
        // Commit exactly the records counted (the stream may have fetched further).
        await within(consumer.commit({ offsets: [...positions.values()] }), this.timeoutMs, () => new CliError(`committing the offsets of group ${groupId} timed out`, { exitCode: ExitCode.UNREACHABLE, code: 'TIMEOUT' }));
      }

      const elapsed = (records > 0 ? lastAt : performance.now()) - start;
      const summary = consumePerfSummary({
        records,
        expected: f.records,
        bytes,
        elapsedMs: elapsed,
        startupMs: firstAt === null ? elapsed : firstAt - start,
        fetchCount: fetches.count,
        fetch: fetches.summary(),
      });
      if (!summary.complete && !this.jsonEnabled()) this.out.warning(`stopped after ${records} of ${f.records} records: ${stopReason ?? 'stopped'}`);
      if (!this.jsonEnabled()) await writeAndFlush(process.stdout, formatConsumeSummary(summary) + '\n');
      if (stopReason === 'interrupted') {
        if (this.jsonEnabled()) await this.exitWithJson(summary, ExitCode.INTERRUPTED);
        this.exit(ExitCode.INTERRUPTED);
      }
      return summary;
    } finally {
      clearInterval(reporter);
      removeSigint();
      consumerFetchesChannel.unsubscribe(trace as Parameters<typeof consumerFetchesChannel.unsubscribe>[0]);
      if (stream) await closeQuietly(() => stream!.close());
      await closeQuietly(() => consumer.close(true));
    }
  }
}
