/**
 * Appends to and reads from this broker's partitions on behalf of Produce and Fetch:
 * finds (or opens) the partition log, applies acks, and parks fetches that wait for data
 * (Kafka's DelayedFetch) until an append wakes them or their time runs out.
 */
import type { LogManager } from '../storage/log-manager.ts';
import type { PartitionLog, AppendInfo, FetchData } from '../storage/partition-log.ts';
import type { LogConfig } from '../storage/partition-log.ts';
import { KafkaProtocolError } from '../protocol/errors.ts';
import { ErrorCode } from '../protocol/generated/error-codes.ts';
import type { Logger } from '../util/logger.ts';

export interface ProduceResult {
  errorCode: number;
  errorMessage: string | null;
  baseOffset: number;
  logAppendTime: number;
  logStartOffset: number;
}

export interface PartitionKey {
  topic: string;
  partition: number;
}

function key(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

export class ReplicaManager {
  private readonly logs: LogManager;
  private readonly configFor: (topic: string) => LogConfig;
  private readonly logger: Logger;
  private readonly opening = new Map<string, Promise<PartitionLog>>();
  private readonly waiters = new Map<string, Set<() => void>>();

  constructor(logs: LogManager, configFor: (topic: string) => LogConfig, logger: Logger) {
    this.logs = logs;
    this.configFor = configFor;
    this.logger = logger;
  }

  /** The partition's log if it is open already (synchronous, for the hot path). */
  openLog(topic: string, partition: number): PartitionLog | undefined {
    return this.logs.get(topic, partition);
  }

  /** The partition's log, creating its directory on first use. */
  async log(topic: string, partition: number): Promise<PartitionLog> {
    const open = this.logs.get(topic, partition);
    if (open) return open;
    const k = key(topic, partition);
    const pending = this.opening.get(k);
    if (pending) return pending;
    const p = this.logs.create(topic, partition, this.configFor(topic)).finally(() => this.opening.delete(k));
    this.opening.set(k, p);
    return p;
  }

  /**
   * Appends a produce request's records to one partition. The append is queued on the
   * partition before the first await when the log is open, so appends keep request order.
   */
  async append(topic: string, partition: number, records: Buffer, acks: number): Promise<ProduceResult> {
    try {
      const open = this.logs.get(topic, partition);
      const info: AppendInfo = open ? await open.append(records) : await (await this.log(topic, partition)).append(records);
      if (!info.duplicate) this.wake(topic, partition);
      if (acks === -1) await (open ?? (await this.log(topic, partition))).flush(info.lastOffset + 1);
      return { errorCode: 0, errorMessage: null, baseOffset: info.firstOffset, logAppendTime: info.logAppendTime, logStartOffset: info.logStartOffset };
    } catch (err) {
      if (err instanceof KafkaProtocolError) {
        return { errorCode: err.errorCode, errorMessage: err.message, baseOffset: -1, logAppendTime: -1, logStartOffset: -1 };
      }
      this.logger.error('append failed', { topic, partition, err: err as Error });
      return { errorCode: ErrorCode.KAFKA_STORAGE_ERROR, errorMessage: (err as Error).message, baseOffset: -1, logAppendTime: -1, logStartOffset: -1 };
    }
  }

  async read(topic: string, partition: number, offset: number, maxBytes: number, minOneBatch: boolean): Promise<FetchData> {
    const log = await this.log(topic, partition);
    return log.read(offset, maxBytes, { minOneBatch });
  }

  /** Resolves when any of the partitions gets new data, or after `ms`, or when `signal` aborts. */
  waitForData(partitions: readonly PartitionKey[], ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const keys = partitions.map((p) => key(p.topic, p.partition));
      let timer: NodeJS.Timeout | undefined;
      const done = (): void => {
        if (timer) clearTimeout(timer);
        for (const k of keys) {
          const set = this.waiters.get(k);
          if (!set) continue;
          set.delete(done);
          if (set.size === 0) this.waiters.delete(k);
        }
        signal?.removeEventListener('abort', done);
        resolve();
      };
      for (const k of keys) {
        let set = this.waiters.get(k);
        if (!set) this.waiters.set(k, (set = new Set()));
        set.add(done);
      }
      timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** Wakes every fetch waiting on a partition (new data, truncation or deletion). */
  wake(topic: string, partition: number): void {
    const set = this.waiters.get(key(topic, partition));
    if (!set) return;
    for (const fn of [...set]) fn();
  }

  /** Wakes everything waiting (shutdown). */
  wakeAll(): void {
    for (const set of [...this.waiters.values()]) for (const fn of [...set]) fn();
  }
}
