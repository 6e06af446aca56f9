/**
 * Connector configs, their task configs and target states.
 *
 * - MemoryConfigStore: standalone mode (as in Kafka Connect, configs live as long as the process;
 *   connectors come from the properties files on the command line, or the REST API).
 * - TopicConfigStore: distributed mode, `config.storage.topic` (default connect-configs, one
 *   partition, compacted) in Connect's format (see formats.ts). Task configs take effect when
 *   their `commit-<name>` record is read, as in Connect.
 */
import type { Logger } from '../../util/logger.ts';
import { configKeys, connectorConfigValue, parseConfigRecord, targetStateValue, taskCommitValue, type TargetState } from './formats.ts';
import { KafkaLog } from './kafka-log.ts';
import type { TopicStoreOptions } from './offset-store.ts';

export interface StoredConnector {
  name: string;
  config: Record<string, string>;
  targetState: TargetState;
  /** The committed task configs (empty before the first commit, and when STOPPED). */
  tasks: Record<string, string>[];
}

export interface ConfigStore {
  start(): Promise<void>;
  stop(): Promise<void>;
  connectors(): StoredConnector[];
  get(name: string): StoredConnector | undefined;
  putConnectorConfig(name: string, config: Record<string, string>, targetState?: TargetState): Promise<void>;
  removeConnector(name: string): Promise<void>;
  putTaskConfigs(name: string, tasks: readonly Record<string, string>[]): Promise<void>;
  putTargetState(name: string, state: TargetState): Promise<void>;
}

abstract class BaseConfigStore implements ConfigStore {
  protected readonly state = new Map<string, StoredConnector>();
  /** Target states seen before the connector's config (Connect writes the initial state first). */
  protected readonly pendingTargetStates = new Map<string, TargetState>();

  abstract start(): Promise<void>;
  abstract stop(): Promise<void>;
  protected abstract write(records: readonly (readonly [string, string | null])[]): Promise<void>;

  connectors(): StoredConnector[] {
    return [...this.state.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  get(name: string): StoredConnector | undefined {
    return this.state.get(name);
  }

  async putConnectorConfig(name: string, config: Record<string, string>, targetState?: TargetState): Promise<void> {
    const records: [string, string | null][] = [];
    if (targetState) records.push([configKeys.targetState(name), targetStateValue(targetState)]);
    records.push([configKeys.connector(name), connectorConfigValue(config)]);
    await this.write(records);
    const existing = this.state.get(name);
    this.state.set(name, { name, config: { ...config }, targetState: targetState ?? existing?.targetState ?? 'STARTED', tasks: existing?.tasks ?? [] });
  }

  async removeConnector(name: string): Promise<void> {
    await this.write([
      [configKeys.connector(name), null],
      [configKeys.targetState(name), null],
    ]);
    this.state.delete(name);
  }

  async putTaskConfigs(name: string, tasks: readonly Record<string, string>[]): Promise<void> {
    const records: [string, string | null][] = tasks.map((t, i) => [configKeys.task(name, i), connectorConfigValue(t)]);
    records.push([configKeys.commit(name), taskCommitValue(tasks.length)]);
    await this.write(records);
    const existing = this.state.get(name);
    if (existing) existing.tasks = tasks.map((t) => ({ ...t }));
  }

  async putTargetState(name: string, targetState: TargetState): Promise<void> {
    await this.write([[configKeys.targetState(name), targetStateValue(targetState)]]);
    const existing = this.state.get(name);
    if (existing) existing.targetState = targetState;
  }
}

export class MemoryConfigStore extends BaseConfigStore {
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  protected async write(): Promise<void> {}
}

export class TopicConfigStore extends BaseConfigStore {
  readonly log: KafkaLog;
  /** Task configs read but not yet committed, by connector. */
  private readonly uncommitted = new Map<string, Map<number, Record<string, string>>>();

  constructor(options: TopicStoreOptions) {
    super();
    this.log = new KafkaLog({ ...options, partitions: 1, onRecord: (key, value) => this.onRecord(key, value) });
  }

  async start(): Promise<void> {
    await this.log.start();
  }

  async stop(): Promise<void> {
    await this.log.stop();
  }

  protected async write(records: readonly (readonly [string, string | null])[]): Promise<void> {
    await this.log.sendAll(records);
  }

  private onRecord(key: string, value: string | null): void {
    const record = parseConfigRecord(key, value);
    if (!record) return;
    const existing = this.state.get(record.connector);
    switch (record.kind) {
      case 'connector':
        if (record.config === null) {
          this.state.delete(record.connector);
          this.uncommitted.delete(record.connector);
        } else {
          const pending = this.pendingTargetStates.get(record.connector);
          this.pendingTargetStates.delete(record.connector);
          this.state.set(record.connector, { name: record.connector, config: record.config, targetState: existing?.targetState ?? pending ?? 'STARTED', tasks: existing?.tasks ?? [] });
        }
        return;
      case 'target-state':
        if (record.state === null) {
          this.pendingTargetStates.delete(record.connector);
          if (existing) existing.targetState = 'STARTED';
        } else if (existing) existing.targetState = record.state;
        else this.pendingTargetStates.set(record.connector, record.state);
        return;
      case 'task': {
        const list = this.uncommitted.get(record.connector) ?? new Map<number, Record<string, string>>();
        if (record.config) list.set(record.task, record.config);
        else list.delete(record.task);
        this.uncommitted.set(record.connector, list);
        return;
      }
      case 'commit': {
        const list = this.uncommitted.get(record.connector) ?? new Map<number, Record<string, string>>();
        const tasks: Record<string, string>[] = [];
        for (let i = 0; i < record.tasks; i++) {
          const t = list.get(i);
          if (!t) return; // an incomplete commit (Connect ignores it too)
          tasks.push(t);
        }
        this.uncommitted.delete(record.connector);
        if (existing) existing.tasks = tasks;
        return;
      }
    }
  }
}
