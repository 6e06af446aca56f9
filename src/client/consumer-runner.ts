/**
 * The engine of `kstream consume`, on @platformatic/kafka's Consumer.
 *
 * Records are read with the client's Fetch (`consumer.fetch`) in a loop that this module runs,
 * in both modes, so that start and stop positions are exact per partition:
 *
 * - assign mode (no group): the partitions asked for, from the `-o` positions;
 * - group mode (`group`): the client joins the group (subscribing to the topics, or to the topics
 *   matching `pattern`, re-listed every `patternRefreshMs`) and heartbeats; this loop reads the
 *   partitions the group assigns, from the committed offsets (or the `-o` position when a
 *   partition has none) and commits what was printed: after `output` has written it, every
 *   `commitIntervalMs`, on a rebalance, and when stopping; then it leaves the group.
 *
 * Stop conditions: `count` records in all; `exitAtEnd`: each partition stops at the end offset
 * taken when it started (at assignment in group mode) and the run ends when all have; `until`
 * (or the end of an `@t1:t2` range): a partition stops at its first record at or after that
 * time, and once the clock passes that time, at the end offset of that moment; `signal`.
 */
import { randomUUID } from 'node:crypto';
import { Admin, Consumer, type ClusterMetadata, type GroupAssignment, type RecordsBatch } from '@platformatic/kafka';
import { CliError } from '../cli/errors.ts';
import { ExitCode } from '../cli/exit-codes.ts';
import type { PlatformaticClientOptions } from '../cli/connection.ts';
import type { HostPort } from '../cli/flags.ts';
import { findKafkaError, kafkaFailure, settleWithin, timeoutError, unlessAborted, withTimeout } from './kafka-errors.ts';
import { describePosition, resolveStart, type OffsetPosition, type OffsetSpec, type PartitionBounds } from './offset-spec.ts';
import type { ConsumedRecord, RecordHeader } from './records.ts';

type FetchResponse = Awaited<ReturnType<Consumer<Buffer, Buffer, Buffer, Buffer>['fetch']>>;

const IS_CONTROL = 0x20;
const LOG_APPEND_TIME = 0x08;
const EARLIEST = -2n;
const LATEST = -1n;

/** The output could not take more records (a closed pipe); the run ends quietly. */
export class OutputClosedError extends Error {
  readonly code = 'OUTPUT_CLOSED';
}

export interface ConsumerRunOptions {
  servers: readonly HostPort[];
  clientOptions: PlatformaticClientOptions;
  /** Bound on connecting and on the initial lookups (ms). */
  timeoutMs: number;
  /** Topics to read; with `pattern`, regular expressions matched against topic names. */
  topics: readonly string[];
  pattern?: boolean;
  group?: string;
  /** `-p`: only these partitions (assign mode). */
  partitions?: readonly number[];
  /** `-o` values; one without a partition applies to all partitions. */
  offsets: readonly OffsetSpec[];
  count?: number;
  exitAtEnd: boolean;
  /** Stop at records at or after this time (ms since the epoch). */
  until?: number;
  isolationLevel: 0 | 1;
  /** Writes records; resolves once they are written. Throws OutputClosedError on a closed pipe. */
  output: (records: ConsumedRecord[]) => Promise<void>;
  signal?: AbortSignal;
  /** Messages for the user (stderr). */
  warn?: (message: string) => void;
  debug?: (message: string) => void;
  maxWaitMs?: number;
  commitIntervalMs?: number;
  patternRefreshMs?: number;
}

export interface ConsumeResult {
  records: number;
  reason: 'end' | 'count' | 'interrupted' | 'output-closed' | 'until';
  elapsedMs: number;
}

interface PartitionState {
  topic: string;
  partition: number;
  /** The next offset to fetch. */
  position: bigint;
  stopOffset: bigint | null;
  stopTime: number | null;
  done: boolean;
  /** The offset to commit: everything before it was printed (or is not a record). */
  printed: bigint | null;
  committed: bigint | null;
  leaderEpoch: number;
}

const key = (topic: string, partition: number): string => `${topic}\0${partition}`;

function unknownTopic(topic: string): CliError {
  return new CliError(`topic ${topic} does not exist`, { exitCode: ExitCode.KAFKA_ERROR, code: 'UNKNOWN_TOPIC_OR_PARTITION', hint: 'list topics with kstream topics' });
}

function unknownPartition(topic: string, partition: number, count: number): CliError {
  return new CliError(`topic ${topic} has no partition ${partition} (it has ${count} partition${count === 1 ? '' : 's'}, 0-${count - 1})`, {
    exitCode: ExitCode.KAFKA_ERROR,
    code: 'UNKNOWN_TOPIC_OR_PARTITION',
  });
}

function toRecord(topic: string, partition: number, batch: RecordsBatch, r: RecordsBatch['records'][number], offset: bigint): ConsumedRecord {
  const logAppend = (batch.attributes & LOG_APPEND_TIME) !== 0;
  const headers: RecordHeader[] = r.headers.length === 0 ? [] : r.headers.map(([k, v]) => ({ key: k ?? Buffer.alloc(0), value: v }));
  return {
    topic,
    partition,
    offset,
    timestamp: logAppend ? batch.maxTimestamp : batch.firstTimestamp + r.timestampDelta,
    timestampType: logAppend ? 'LogAppendTime' : 'CreateTime',
    key: r.key,
    value: r.value,
    headers,
    leaderEpoch: batch.partitionLeaderEpoch,
  };
}

export async function runConsumer(options: ConsumerRunOptions): Promise<ConsumeResult> {
  const started = performance.now();
  const { servers, timeoutMs } = options;
  const co = options.clientOptions;
  const maxWaitMs = options.maxWaitMs ?? 500;
  const commitIntervalMs = options.commitIntervalMs ?? 1000;
  const groupMode = options.group !== undefined;
  const debug = options.debug ?? (() => undefined);
  const warn = options.warn ?? (() => undefined);
  const bootstrapBrokers = servers.map((s) => ({ host: s.host, port: s.port }));
  const consumer = new Consumer<Buffer, Buffer, Buffer, Buffer>({
    ...co,
    clientId: co.clientId,
    bootstrapBrokers,
    groupId: options.group ?? `kstream-cli-${randomUUID()}`,
    timeout: Math.max(co.timeout ?? timeoutMs, maxWaitMs + 5000),
    connectTimeout: co.connectTimeout ?? timeoutMs,
    retries: co.retries ?? 3,
    retryDelay: co.retryDelay ?? 250,
    isolationLevel: options.isolationLevel,
    autocommit: false,
    sessionTimeout: 30_000,
    rebalanceTimeout: 60_000,
    heartbeatInterval: 3000,
  } as ConstructorParameters<typeof Consumer<Buffer, Buffer, Buffer, Buffer>>[0]);
  let admin: Admin | null = null;

  const states = new Map<string, PartitionState>();
  let fatal: unknown = null;
  let consumed = 0;
  let reason: ConsumeResult['reason'] = 'end';
  let assignmentDirty = false;
  let joined = false;
  let lastCommit = performance.now();
  let wakeUp: (() => void) | null = null;
  const wake = (): void => {
    const w = wakeUp;
    wakeUp = null;
    w?.();
  };
  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        wakeUp = null;
        resolve();
      }, ms);
      wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  options.signal?.addEventListener('abort', wake, { once: true });
  const stopping = (): boolean => options.signal?.aborted === true || fatal !== null;

  consumer.on('error', (err: unknown) => {
    fatal ??= err;
    wake();
  });

  const bounded = <R>(work: Promise<R>, what: string): Promise<R> => withTimeout(work, timeoutMs, () => timeoutError(servers, timeoutMs, what));

  // ---- topics ---------------------------------------------------------------------------------
  let patterns: RegExp[] = [];
  if (options.pattern) {
    patterns = options.topics.map((t) => {
      try {
        return new RegExp(`^(?:${t})$`);
      } catch (err) {
        throw new CliError(`invalid --regex pattern ${JSON.stringify(t)}: ${(err as Error).message}`, { exitCode: ExitCode.USAGE, code: 'USAGE' });
      }
    });
  }
  const matchTopics = async (): Promise<string[]> => {
    admin ??= new Admin({ ...co, clientId: co.clientId, bootstrapBrokers, timeout: co.timeout ?? timeoutMs, connectTimeout: co.connectTimeout ?? timeoutMs, retries: co.retries ?? 3 } as ConstructorParameters<typeof Admin>[0]);
    const names = await bounded(admin.listTopics({ includeInternals: false }), 'cannot list topics');
    return names.filter((n) => patterns.some((p) => p.test(n))).sort();
  };

  const metadataOf = async (topics: readonly string[], what: string): Promise<ClusterMetadata> => {
    try {
      return await bounded(consumer.metadata({ topics: [...topics] }), what);
    } catch (err) {
      if (err instanceof CliError) throw err;
      const m = /unknown topic (.+?)\.?$/i.exec((err as Error).message ?? '');
      if (m) throw unknownTopic(m[1]);
      const failure = kafkaFailure(what, err);
      if (failure.code === 'UNKNOWN_TOPIC_OR_PARTITION' && topics.length === 1) throw unknownTopic(topics[0]);
      throw failure;
    }
  };

  const listOffsets = async (topic: string, partitions: number[], timestamp: bigint): Promise<bigint[]> => {
    const result = await bounded(
      consumer.listOffsets({ topics: [topic], partitions: { [topic]: partitions }, timestamp, isolationLevel: options.isolationLevel }),
      `cannot list offsets of ${topic}`,
    );
    return result.get(topic) ?? [];
  };

  const specFor = (partition: number): OffsetPosition | undefined => {
    let general: OffsetPosition | undefined;
    for (const s of options.offsets) {
      if (s.partition === partition) return s.position;
      if (s.partition === undefined) general = s.position;
    }
    return general;
  };

  /** Sets up the states of newly read partitions: start positions and stop offsets. */
  const startPartitions = async (topic: string, partitions: number[], committed: Map<number, bigint> | null): Promise<void> => {
    if (partitions.length === 0) return;
    const earliest = await listOffsets(topic, partitions, EARLIEST);
    const latest = await listOffsets(topic, partitions, LATEST);
    const timeLookups = new Map<number, number[]>();
    const untilLookups: number[] = [];
    for (const p of partitions) {
      const spec = specFor(p);
      if (spec?.kind === 'time' && !(committed?.has(p) && (committed.get(p) ?? -1n) >= 0n)) {
        const list = timeLookups.get(spec.from) ?? [];
        list.push(p);
        timeLookups.set(spec.from, list);
      }
    }
    const timeOffsets = new Map<number, bigint>();
    for (const [ts, ps] of timeLookups) {
      const offsets = await listOffsets(topic, ps, BigInt(ts));
      for (const p of ps) timeOffsets.set(p, offsets[p] ?? -1n);
    }
    const now = Date.now();
    for (const p of partitions) {
      const spec = specFor(p) ?? { kind: groupMode ? 'stored' : 'beginning' };
      const bounds: PartitionBounds = { start: earliest[p] ?? 0n, end: latest[p] ?? 0n };
      if (timeOffsets.has(p)) bounds.timeOffset = timeOffsets.get(p);
      const c = committed?.get(p);
      let position: bigint;
      if (c !== undefined && c >= 0n) {
        // A committed offset wins in group mode (clamped to the log, as auto.offset.reset would).
        position = c < bounds.start ? bounds.start : c > bounds.end ? bounds.end : c;
      } else {
        position = resolveStart(spec.kind === 'stored' ? { kind: 'beginning' } : spec, bounds);
      }
      const stopTime = spec.kind === 'time' && spec.until !== undefined ? (options.until === undefined ? spec.until : Math.min(spec.until, options.until)) : options.until ?? null;
      const stopOffset: bigint | null = options.exitAtEnd ? bounds.end : null;
      if (stopTime !== null && stopTime <= now) untilLookups.push(p);
      const st: PartitionState = { topic, partition: p, position, stopOffset, stopTime, done: false, printed: null, committed: c !== undefined && c >= 0n ? c : null, leaderEpoch: -1 };
      if (stopOffset !== null && position >= stopOffset) st.done = true;
      states.set(key(topic, p), st);
      debug(`${topic}/${p}: start at ${position} (${c !== undefined && c >= 0n ? 'committed' : describePosition(spec)})${stopOffset !== null ? `, stop at ${stopOffset}` : ''}, log ${bounds.start}-${bounds.end}`);
    }
    // A stop time in the past is also a stop offset: the first record at or after it.
    if (untilLookups.length > 0) {
      const byTime = new Map<number, number[]>();
      for (const p of untilLookups) {
        const t = states.get(key(topic, p))!.stopTime!;
        byTime.set(t, [...(byTime.get(t) ?? []), p]);
      }
      for (const [t, ps] of byTime) {
        const offsets = await listOffsets(topic, ps, BigInt(t));
        for (const p of ps) {
          const st = states.get(key(topic, p))!;
          const o = offsets[p] ?? -1n;
          const stop = o >= 0n ? o : latest[p] ?? 0n;
          st.stopOffset = st.stopOffset === null || stop < st.stopOffset ? stop : st.stopOffset;
          if (st.position >= st.stopOffset) st.done = true;
        }
      }
    }
  };

  /** Once the clock passes a partition's stop time, it stops at the end offset of that moment. */
  const applyStopTimes = async (): Promise<void> => {
    const now = Date.now();
    const due = [...states.values()].filter((s) => !s.done && s.stopTime !== null && s.stopTime <= now && s.stopOffset === null);
    const byTopic = new Map<string, PartitionState[]>();
    for (const s of due) byTopic.set(s.topic, [...(byTopic.get(s.topic) ?? []), s]);
    for (const [topic, list] of byTopic) {
      const latest = await listOffsets(topic, list.map((s) => s.partition), LATEST);
      for (const s of list) {
        s.stopOffset = latest[s.partition] ?? s.position;
        if (s.position >= s.stopOffset) s.done = true;
      }
    }
  };

  // ---- commits (group mode) ------------------------------------------------------------------
  const commitPrinted = async (why: string): Promise<void> => {
    if (!groupMode || !joined) return;
    const offsets = [...states.values()]
      .filter((s) => s.printed !== null && (s.committed === null || s.printed > s.committed))
      .map((s) => ({ topic: s.topic, partition: s.partition, offset: s.printed!, leaderEpoch: s.leaderEpoch }));
    if (offsets.length === 0) return;
    try {
      await withTimeout(consumer.commit({ offsets }), timeoutMs, () => timeoutError(servers, timeoutMs, 'commit timed out'));
      for (const o of offsets) {
        const s = states.get(key(o.topic, o.partition));
        if (s && (s.committed === null || o.offset > s.committed)) s.committed = o.offset;
      }
      debug(`committed ${offsets.map((o) => `${o.topic}/${o.partition}@${o.offset}`).join(' ')} (${why})`);
    } catch (err) {
      const info = findKafkaError(err);
      warn(`could not commit offsets (${why}): ${info ? info.name : (err as Error).message}`);
    }
    lastCommit = performance.now();
  };

  // ---- group assignment ----------------------------------------------------------------------
  const applyAssignment = async (): Promise<void> => {
    assignmentDirty = false;
    const assignments: GroupAssignment[] = consumer.assignments ?? [];
    const wanted = new Set<string>();
    for (const a of assignments) for (const p of a.partitions) wanted.add(key(a.topic, p));
    const revoked = [...states.values()].filter((s) => !wanted.has(key(s.topic, s.partition)));
    if (revoked.length > 0) {
      await commitPrinted('partitions revoked');
      for (const s of revoked) states.delete(key(s.topic, s.partition));
    }
    for (const a of assignments) {
      const added = a.partitions.filter((p) => !states.has(key(a.topic, p)));
      if (added.length === 0) continue;
      const committedList = await bounded(consumer.listCommittedOffsets({ topics: [{ topic: a.topic, partitions: added }] }), 'cannot read committed offsets');
      const committed = new Map<number, bigint>();
      const list = committedList.get(a.topic) ?? [];
      for (const p of added) if (list[p] !== undefined) committed.set(p, list[p]);
      await startPartitions(a.topic, added, committed);
    }
    debug(`assigned: ${assignments.map((a) => `${a.topic}[${a.partitions.join(',')}]`).join(' ') || 'nothing'}`);
  };

  // ---- setup ---------------------------------------------------------------------------------
  let topics: string[] = [...options.topics];
  const onJoin = (): void => {
    joined = true;
    assignmentDirty = true;
    wake();
  };
  const onRebalance = (): void => {
    void commitPrinted('rebalance');
  };
  let refreshTimer: NodeJS.Timeout | undefined;
  try {
    if (options.pattern) {
      topics = await matchTopics();
      if (topics.length === 0 && !groupMode) throw new CliError(`no topic matches ${options.topics.join(', ')}`, { exitCode: ExitCode.KAFKA_ERROR, code: 'UNKNOWN_TOPIC_OR_PARTITION' });
    }
    let metadata: ClusterMetadata | null = null;
    if (topics.length > 0) {
      metadata = await metadataOf(topics, 'cannot get topic metadata');
      for (const t of topics) if (!metadata.topics.has(t)) throw unknownTopic(t);
    } else {
      // Nothing matches yet: still check that the cluster answers.
      await metadataOf([], 'cannot reach the cluster');
    }
    consumer.topics.trackAll(...topics);

    if (!groupMode) {
      const explicit = new Set<number>(options.partitions ?? []);
      for (const s of options.offsets) if (s.partition !== undefined) explicit.add(s.partition);
      const general = options.offsets.some((s) => s.partition === undefined);
      for (const t of topics) {
        const count = metadata!.topics.get(t)!.partitionsCount;
        let partitions: number[];
        if (explicit.size > 0 && !(general && (options.partitions ?? []).length === 0)) partitions = [...explicit].sort((a, b) => a - b);
        else partitions = Array.from({ length: count }, (_v, i) => i);
        for (const p of partitions) if (p >= count) throw unknownPartition(t, p, count);
        await startPartitions(t, partitions, null);
      }
    } else {
      consumer.on('consumer:group:join', onJoin);
      consumer.on('consumer:group:rebalance', onRebalance);
      try {
        await withTimeout(consumer.joinGroup({}), Math.max(timeoutMs, 70_000), () => timeoutError(servers, Math.max(timeoutMs, 70_000), `cannot join group ${options.group}`));
      } catch (err) {
        throw kafkaFailure(`cannot join group ${options.group}`, err);
      }
      joined = true;
      if (options.pattern) {
        const refresh = async (): Promise<void> => {
          if (stopping()) return;
          try {
            const now = await matchTopics();
            const added = now.filter((t) => !topics.includes(t));
            if (added.length > 0) {
              debug(`new topics match: ${added.join(', ')}`);
              topics = [...topics, ...added];
              consumer.topics.trackAll(...added);
              await consumer.joinGroup({});
            }
          } catch (err) {
            debug(`refreshing topics failed: ${(err as Error).message}`);
          }
        };
        refreshTimer = setInterval(() => void refresh(), options.patternRefreshMs ?? 5000);
      }
      await applyAssignment();
    }

    // ---- the fetch loop --------------------------------------------------------------------
    for (;;) {
      if (options.signal?.aborted) {
        reason = 'interrupted';
        break;
      }
      if (fatal) throw fatal;
      if (groupMode && assignmentDirty) await applyAssignment();
      await applyStopTimes();
      const active = [...states.values()].filter((s) => !s.done);
      const hasStop = options.exitAtEnd || options.until !== undefined || [...states.values()].some((s) => s.stopTime !== null);
      if (active.length === 0) {
        if (!groupMode && (states.size > 0 || hasStop)) {
          reason = options.exitAtEnd ? 'end' : 'until';
          break;
        }
        if (groupMode && joined && hasStop && !assignmentDirty && states.size > 0) {
          reason = options.exitAtEnd ? 'end' : 'until';
          break;
        }
        if (groupMode && joined && options.exitAtEnd && !assignmentDirty && states.size === 0 && (consumer.assignments ?? []).length === 0) {
          // The group gave this member nothing to read.
          reason = 'end';
          break;
        }
        if (!groupMode && states.size === 0) break;
        await pause(200);
        continue;
      }

      const meta = await metadataOf([...new Set(active.map((s) => s.topic))], 'cannot get topic metadata');
      const byNode = new Map<number, PartitionState[]>();
      let leaderless = false;
      for (const s of active) {
        const tm = meta.topics.get(s.topic);
        if (!tm) throw unknownTopic(s.topic);
        const leader = tm.partitions[s.partition]?.leader ?? -1;
        if (leader < 0 || !meta.brokers.has(leader)) {
          leaderless = true;
          continue;
        }
        byNode.set(leader, [...(byNode.get(leader) ?? []), s]);
      }
      if (leaderless) consumer.clearMetadata();
      if (byNode.size === 0) {
        await pause(200);
        continue;
      }
      const fetches = [...byNode].map(async ([node, list]): Promise<[PartitionState[], FetchResponse | null]> => {
        const byTopic = new Map<string, PartitionState[]>();
        for (const s of list) byTopic.set(s.topic, [...(byTopic.get(s.topic) ?? []), s]);
        const request = [...byTopic].map(([t, ps]) => ({
          topicId: meta.topics.get(t)!.id,
          partitions: ps.map((s) => ({ partition: s.partition, fetchOffset: s.position, partitionMaxBytes: 4 * 1024 * 1024, currentLeaderEpoch: -1, lastFetchedEpoch: -1 })),
        }));
        try {
          const response = await consumer.fetch({ node, topics: request, maxWaitTime: maxWaitMs, minBytes: 1, maxBytes: 16 * 1024 * 1024, isolationLevel: options.isolationLevel });
          return [list, response];
        } catch (err) {
          if (await recoverOutOfRange(err, list)) return [list, null];
          throw kafkaFailure('fetching records failed', err);
        }
      });
      const results = await unlessAborted(Promise.all(fetches), options.signal);
      if (results === 'aborted') {
        reason = 'interrupted';
        break;
      }

      const records: ConsumedRecord[] = [];
      const touched: PartitionState[] = [];
      const topicById = new Map<string, string>();
      for (const [t, tm] of meta.topics) topicById.set(tm.id, t);
      for (const [, response] of results) {
        if (!response) continue;
        for (const topicResponse of response.responses) {
          const topic = topicById.get(topicResponse.topicId) ?? topicResponse.topicId;
          for (const pr of topicResponse.partitions) {
            const st = states.get(key(topic, pr.partitionIndex));
            if (!st || st.done) continue;
            touched.push(st);
            for (const batch of pr.records ?? []) {
              if (st.done) break;
              const lastOffset = batch.firstOffset + BigInt(batch.lastOffsetDelta);
              st.leaderEpoch = batch.partitionLeaderEpoch;
              if ((batch.attributes & IS_CONTROL) === 0) {
                for (const r of batch.records) {
                  const offset = batch.firstOffset + BigInt(r.offsetDelta);
                  if (offset < st.position) continue;
                  if (st.stopOffset !== null && offset >= st.stopOffset) {
                    st.done = true;
                    break;
                  }
                  const record = toRecord(topic, st.partition, batch, r, offset);
                  if (st.stopTime !== null && record.timestamp >= BigInt(st.stopTime)) {
                    st.done = true;
                    break;
                  }
                  records.push(record);
                  st.position = offset + 1n;
                }
              }
              if (!st.done && lastOffset >= st.position) st.position = lastOffset + 1n;
            }
            if (st.stopOffset !== null && st.position >= st.stopOffset) st.done = true;
          }
        }
      }

      let printedRecords = records;
      let hitCount = false;
      if (options.count !== undefined && consumed + records.length >= options.count) {
        printedRecords = records.slice(0, options.count - consumed);
        hitCount = true;
      }
      if (printedRecords.length > 0) {
        try {
          const written = await unlessAborted(options.output(printedRecords), options.signal);
          if (written === 'aborted') {
            reason = 'interrupted';
            break;
          }
        } catch (err) {
          if (err instanceof OutputClosedError) {
            reason = 'output-closed';
            break;
          }
          throw err;
        }
        consumed += printedRecords.length;
      }
      // Everything up to each partition's position was printed, except what --count cut off.
      if (hitCount) {
        const lastPrinted = new Map<string, bigint>();
        for (const r of printedRecords) lastPrinted.set(key(r.topic, r.partition), r.offset + 1n);
        for (const [k, o] of lastPrinted) states.get(k)!.printed = o;
      } else {
        for (const st of touched) st.printed = st.position;
      }
      if (hitCount) {
        reason = 'count';
        break;
      }
      if (groupMode && performance.now() - lastCommit >= commitIntervalMs) await commitPrinted('interval');
    }

    if (fatal) throw fatal;
    return { records: consumed, reason, elapsedMs: performance.now() - started };
  } finally {
    clearInterval(refreshTimer);
    consumer.off('consumer:group:join', onJoin);
    consumer.off('consumer:group:rebalance', onRebalance);
    if (groupMode && joined) await settleWithin(commitPrinted('stopping'), Math.min(timeoutMs, 5000));
    // Closing leaves the group (group mode) and closes the connections.
    await settleWithin(consumer.close(), 5000);
    if (admin) await settleWithin(admin.close(), 1000);
  }

  /** OFFSET_OUT_OF_RANGE (records deleted by retention): continue from the log's start or end. */
  async function recoverOutOfRange(err: unknown, list: PartitionState[]): Promise<boolean> {
    const info = findKafkaError(err);
    if (!info || info.name !== 'OFFSET_OUT_OF_RANGE') return false;
    const byTopic = new Map<string, PartitionState[]>();
    for (const s of list) byTopic.set(s.topic, [...(byTopic.get(s.topic) ?? []), s]);
    for (const [topic, ps] of byTopic) {
      const partitions = ps.map((s) => s.partition);
      const earliest = await listOffsets(topic, partitions, EARLIEST);
      const latest = await listOffsets(topic, partitions, LATEST);
      for (const s of ps) {
        const start = earliest[s.partition] ?? 0n;
        const end = latest[s.partition] ?? 0n;
        if (s.position < start) {
          warn(`${topic}/${s.partition}: offset ${s.position} is no longer in the log; continuing at ${start}`);
          s.position = start;
        } else if (s.position > end) {
          warn(`${topic}/${s.partition}: offset ${s.position} is past the end of the log; continuing at ${end}`);
          s.position = end;
        }
        if (s.stopOffset !== null && s.position >= s.stopOffset) s.done = true;
      }
    }
    return true;
  }
}
