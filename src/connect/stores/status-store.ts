/**
 * Connector and task statuses (what GET /connectors/{name}/status shows).
 *
 * - MemoryStatusStore: standalone mode.
 * - TopicStatusStore: distributed mode, `status.storage.topic` (default connect-status, compacted),
 *   keys `status-connector-<name>` / `status-task-<name>-<n>`, values
 *   `{"state","trace","worker_id","generation"}`. Writes update memory at once and go to the topic in
 *   the background, in order, retried while the cluster does not answer; `flush()` waits for them.
 */
import type { Logger } from '../../util/logger.ts';
import { delay, errorMessage, isRetriableKafkaError } from '../kafka.ts';
import { parseStatusRecord, statusKeys, statusValue, type StatusValue } from './formats.ts';
import { KafkaLog } from './kafka-log.ts';
import type { TopicStoreOptions } from './offset-store.ts';

export type { StatusValue } from './formats.ts';

export interface StatusStore {
  start(): Promise<void>;
  stop(): Promise<void>;
  connector(name: string): StatusValue | undefined;
  tasks(name: string): Map<number, StatusValue>;
  task(name: string, task: number): StatusValue | undefined;
  putConnector(name: string, status: StatusValue): void;
  putTask(name: string, task: number, status: StatusValue): void;
  removeTask(name: string, task: number): void;
  removeConnector(name: string): void;
  /** The highest generation in the store (distributed workers start at the next one). */
  maxGeneration(): number;
  /** Resolves once writes made so far reached the store. */
  flush(): Promise<void>;
}

export class MemoryStatusStore implements StatusStore {
  protected readonly connectorStatuses = new Map<string, StatusValue>();
  protected readonly taskStatuses = new Map<string, Map<number, StatusValue>>();

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  connector(name: string): StatusValue | undefined {
    return this.connectorStatuses.get(name);
  }

  tasks(name: string): Map<number, StatusValue> {
    return new Map([...(this.taskStatuses.get(name) ?? new Map<number, StatusValue>())].sort((a, b) => a[0] - b[0]));
  }

  task(name: string, task: number): StatusValue | undefined {
    return this.taskStatuses.get(name)?.get(task);
  }

  putConnector(name: string, status: StatusValue): void {
    this.connectorStatuses.set(name, status);
    this.written(statusKeys.connector(name), status);
  }

  putTask(name: string, task: number, status: StatusValue): void {
    let map = this.taskStatuses.get(name);
    if (!map) this.taskStatuses.set(name, (map = new Map()));
    map.set(task, status);
    this.written(statusKeys.task(name, task), status);
  }

  removeTask(name: string, task: number): void {
    this.taskStatuses.get(name)?.delete(task);
    this.written(statusKeys.task(name, task), null);
  }

  removeConnector(name: string): void {
    for (const task of this.taskStatuses.get(name)?.keys() ?? []) this.written(statusKeys.task(name, task), null);
    this.taskStatuses.delete(name);
    this.connectorStatuses.delete(name);
    this.written(statusKeys.connector(name), null);
  }

  maxGeneration(): number {
    let max = -1;
    for (const s of this.connectorStatuses.values()) max = Math.max(max, s.generation);
    for (const m of this.taskStatuses.values()) for (const s of m.values()) max = Math.max(max, s.generation);
    return max;
  }

  async flush(): Promise<void> {}

  protected written(_key: string, _status: StatusValue | null): void {}

  protected applyRecord(key: string, value: string | null): void {
    const record = parseStatusRecord(key, value);
    if (!record) return;
    if (record.kind === 'connector') {
      if (record.status) this.connectorStatuses.set(record.connector, record.status);
      else this.connectorStatuses.delete(record.connector);
    } else {
      let map = this.taskStatuses.get(record.connector);
      if (!map) this.taskStatuses.set(record.connector, (map = new Map()));
      if (record.status) map.set(record.task, record.status);
      else map.delete(record.task);
    }
  }
}

export class TopicStatusStore extends MemoryStatusStore {
  readonly log: KafkaLog;
  private readonly logger: Logger;
  private queue: [string, string | null][] = [];
  private draining: Promise<void> | null = null;
  private stopped = false;

  constructor(options: TopicStoreOptions) {
    super();
    this.logger = options.logger;
    this.log = new KafkaLog({ ...options, onRecord: (key, value) => this.applyRecord(key, value) });
  }

  override async start(): Promise<void> {
    await this.log.start();
  }

  override async stop(): Promise<void> {
    await Promise.race([this.flush(), delay(5000)]);
    this.stopped = true;
    await this.log.stop();
  }

  override async flush(): Promise<void> {
    while (this.draining) await this.draining;
  }

  protected override written(key: string, status: StatusValue | null): void {
    if (this.stopped) return;
    this.queue.push([key, status === null ? null : statusValue(status)]);
    this.draining ??= this.drain().finally(() => {
      this.draining = null;
    });
  }

  private async drain(): Promise<void> {
    for (let attempt = 0; this.queue.length > 0 && !this.stopped; ) {
      const batch = this.queue;
      this.queue = [];
      try {
        await this.log.sendAll(batch);
        attempt = 0;
      } catch (err) {
        // Put the batch back in front (order per key matters) and retry while it may help.
        this.queue = [...batch, ...this.queue];
        attempt++;
        if (!isRetriableKafkaError(err) && attempt > 3) {
          this.logger.error('cannot write statuses, dropping them', { topic: this.log.topic, error: errorMessage(err) });
          this.queue = [];
          return;
        }
        this.logger.warn('cannot write statuses yet, retrying', { topic: this.log.topic, attempt, error: errorMessage(err) });
        await delay(Math.min(10_000, 200 * 2 ** Math.min(attempt, 6)));
      }
    }
  }
}
