/**
 * The Herder implementation: connectors' lifecycle, configs, statuses and offsets, for the REST
 * API and `kstream connect start`.
 *
 * Design. One ConnectHerder runs every connector and task of the worker (a Worker instance runs
 * them). Changes (create, update, delete, pause, resume, stop, restart, reconfiguration) go
 * through one serial queue, so they never interleave; reads answer from memory at once.
 * Three stores hold the state:
 *
 * - standalone: configs and statuses in memory (connectors come from the command line or REST and
 *   last as long as the process), source offsets in `offset.storage.file.filename`;
 * - distributed: the compacted topics `config.storage.topic`, `status.storage.topic` and
 *   `offset.storage.topic`, read on start, so a restarted worker resumes every connector with its
 *   target state, task configs and offsets.
 *
 * Distributed mode runs ONE worker per group.id for now: this worker runs every connector and
 * task it finds in the config topic, and does not coordinate with other workers. Two workers with
 * the same group.id would both run everything. Sharing work later means joining a group named
 * group.id with Connect's protocol (protocol type "connect", JoinGroup metadata carrying each
 * worker's URL and config offset), the leader assigning connectors and tasks to members (eager or
 * incremental cooperative, as Connect's `connect.protocol`), forwarding REST writes to the leader,
 * and each worker starting only what it was assigned, with the status generation = the group
 * generation.
 */
import { randomUUID } from 'node:crypto';
import type { SourceOffset, SourcePartition } from './api.ts';
import {
  ConnectRestError,
  type ConfigInfos,
  type ConnectorInfo,
  type ConnectorOffsets,
  type ConnectorState,
  type ConnectorStateInfo,
  type ConnectorTaskId,
  type ConnectorType,
  type Herder,
  type PluginInfo,
  type RestartRequest,
  type StateInfo,
  type TaskInfo,
} from './herder.ts';
import { invalidConfigMessage } from './connector-config.ts';
import { createAdmin, errorMessage, isRetriableKafkaError, delay, settle, kafkaErrorName, type KafkaTarget } from './kafka.ts';
import type { PluginRegistry } from './plugins.ts';
import { MemoryConfigStore, TopicConfigStore, type ConfigStore } from './stores/config-store.ts';
import type { TargetState } from './stores/formats.ts';
import { FileOffsetStore, TopicOffsetStore, type OffsetStore } from './stores/offset-store.ts';
import { MemoryStatusStore, TopicStatusStore, type StatusStore, type StatusValue } from './stores/status-store.ts';
import { validateConnectorConfig, validationErrors } from './validation.ts';
import { Worker, sinkGroupId, type WorkerConnector, type WorkerListener, type WorkerTask } from './worker.ts';
import { ConnectConfigError, type WorkerConfig } from './worker-config.ts';
import { isPlainObject } from './data.ts';
import type { Logger } from '../util/logger.ts';

/** Connect answers 400 (BadRequestException) when offsets are changed while the connector is not STOPPED. */
export const OFFSETS_NOT_STOPPED_STATUS = 400;

export interface HerderOptions {
  config: WorkerConfig;
  plugins: PluginRegistry;
  logger: Logger;
  /** host:port this worker is known by (status worker_id); settable until start. */
  workerId?: string;
  version?: string;
  commit?: string;
  /** Stores (tests); by default from the worker config's mode. */
  stores?: { config?: ConfigStore; status?: StatusStore; offsets?: OffsetStore };
  /** How long start() retries while the cluster does not answer (ms). */
  startTimeoutMs?: number;
}

interface Running {
  connector: WorkerConnector;
  tasks: Map<number, WorkerTask>;
}

export class ConnectHerder implements Herder, WorkerListener {
  readonly config: WorkerConfig;
  readonly registry: PluginRegistry;
  readonly logger: Logger;
  readonly worker: Worker;
  readonly configStore: ConfigStore;
  readonly statusStore: StatusStore;
  readonly offsetStore: OffsetStore;
  readonly target: KafkaTarget;
  workerId: string;
  private readonly version: string;
  private readonly commit: string;
  private readonly startTimeoutMs: number;
  private generation = 0;
  private clusterId = '';
  private readonly running = new Map<string, Running>();
  private queue: Promise<unknown> = Promise.resolve();
  private stopping = false;
  private readonly reconfigurePending = new Set<string>();

  constructor(options: HerderOptions) {
    this.config = options.config;
    this.registry = options.plugins;
    this.logger = options.logger;
    this.version = options.version ?? '0.0.0';
    this.commit = options.commit ?? 'unknown';
    this.startTimeoutMs = options.startTimeoutMs ?? 60_000;
    const first = options.config.listeners[0];
    this.workerId = options.workerId ?? `${options.config.restAdvertisedHostName ?? first.host}:${options.config.restAdvertisedPort ?? first.port}`;
    this.target = { bootstrapServers: options.config.bootstrapServers, clientOptions: options.config.clientOptions };
    const c = options.config;
    const prefix = c.clientId || `connect-${randomUUID().slice(0, 8)}`;
    const storeOptions = (topic: string, partitions: number, replicationFactor: number) => ({
      target: this.target,
      topic,
      partitions,
      replicationFactor,
      clientId: `${prefix}-${topic}`,
      logger: this.logger,
      startTimeoutMs: this.startTimeoutMs,
    });
    if (c.mode === 'standalone') {
      this.configStore = options.stores?.config ?? new MemoryConfigStore();
      this.statusStore = options.stores?.status ?? new MemoryStatusStore();
      this.offsetStore = options.stores?.offsets ?? new FileOffsetStore(c.offsetStorageFile ?? 'connect.offsets');
    } else {
      this.configStore = options.stores?.config ?? new TopicConfigStore(storeOptions(c.configStorageTopic, 1, c.configStorageReplicationFactor));
      this.statusStore = options.stores?.status ?? new TopicStatusStore(storeOptions(c.statusStorageTopic, c.statusStoragePartitions, c.statusStorageReplicationFactor));
      this.offsetStore = options.stores?.offsets ?? new TopicOffsetStore(storeOptions(c.offsetStorageTopic, c.offsetStoragePartitions, c.offsetStorageReplicationFactor));
    }
    this.worker = new Worker({ config: c, plugins: this.registry, offsetStore: this.offsetStore, logger: this.logger, listener: this, target: this.target });
  }

  // ---- lifecycle ----------------------------------------------------------------------------------

  /** Starts the stores and every stored connector. Changes requested meanwhile wait for it. */
  start(): Promise<void> {
    return this.enqueue(async () => {
      const c = this.config;
      this.logger.info('starting Connect worker', { mode: c.mode, workerId: this.workerId, bootstrap: c.bootstrapServers.join(','), groupId: c.mode === 'distributed' ? c.groupId : undefined });
      this.clusterId = await this.fetchClusterId();
      await Promise.all([this.offsetStore.start(), this.configStore.start(), this.statusStore.start()]);
      this.generation = c.mode === 'distributed' ? this.statusStore.maxGeneration() + 1 : 0;
      const stored = this.configStore.connectors();
      for (const s of stored) await this.startConnector(s.name);
      this.logger.info('Connect worker started', { connectors: stored.length, generation: this.generation, clusterId: this.clusterId });
    });
  }

  /** Stops every task (committing offsets) and connector, then the stores. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    await this.enqueue(async () => {
      const names = [...this.running.keys()];
      await Promise.all(names.map((n) => this.stopConnectorAndTasks(n, 'UNASSIGNED')));
      await this.statusStore.flush();
    });
    await Promise.all([settle(this.statusStore.stop(), 10_000), settle(this.configStore.stop(), 10_000), settle(this.offsetStore.stop(), 10_000)]);
    this.logger.info('Connect worker stopped');
  }

  private async fetchClusterId(): Promise<string> {
    const deadline = Date.now() + this.startTimeoutMs;
    for (let attempt = 1; ; attempt++) {
      const admin = createAdmin(this.target, `${this.config.clientId || 'connect'}-herder-admin`);
      try {
        const meta = await admin.metadata({ topics: [] });
        return meta.id;
      } catch (err) {
        if (Date.now() >= deadline || !isRetriableKafkaError(err)) throw err;
        this.logger.warn('cannot reach the Kafka cluster yet, retrying', { bootstrap: this.config.bootstrapServers.join(','), attempt, error: errorMessage(err) });
        await delay(Math.min(5000, 250 * 2 ** Math.min(attempt, 5)));
      } finally {
        await settle(admin.close(), 2000);
      }
    }
  }

  private enqueue<T>(op: () => Promise<T>): Promise<T> {
    const result = this.queue.then(op);
    this.queue = result.catch(() => undefined);
    return result;
  }

  // ---- WorkerListener -------------------------------------------------------------------------------

  private status(state: ConnectorState, trace?: string): StatusValue {
    return { state, trace: trace ?? null, worker_id: this.workerId, generation: this.generation };
  }

  onConnectorState(name: string, state: ConnectorState, trace?: string): void {
    if (!this.configStore.get(name)) return;
    this.statusStore.putConnector(name, this.status(state, trace));
  }

  onTaskState(id: ConnectorTaskId, state: ConnectorState, trace?: string): void {
    if (!this.running.get(id.connector)?.tasks.has(id.task)) return;
    this.statusStore.putTask(id.connector, id.task, this.status(state, trace));
  }

  onTaskReconfigurationRequest(name: string): void {
    if (this.reconfigurePending.has(name)) return;
    this.reconfigurePending.add(name);
    void this.enqueue(async () => {
      this.reconfigurePending.delete(name);
      await this.reconfigureTasks(name);
    }).catch((err: unknown) => this.logger.error('task reconfiguration failed', { connector: name, error: errorMessage(err) }));
  }

  // ---- running connectors (inside the queue) ----------------------------------------------------------

  private async startConnector(name: string): Promise<void> {
    const stored = this.configStore.get(name);
    if (!stored) return;
    const wc = this.worker.createConnector(name, stored.config);
    const running: Running = { connector: wc, tasks: new Map() };
    this.running.set(name, running);
    await wc.start(stored.targetState);
    if (stored.targetState === 'STOPPED') {
      if (stored.tasks.length > 0) await this.configStore.putTaskConfigs(name, []);
      this.removeTaskStatuses(name, 0);
      return;
    }
    let taskConfigs = stored.tasks;
    if (wc.running) {
      try {
        const generated = await wc.taskConfigs();
        if (!sameConfigs(generated, stored.tasks)) {
          await this.configStore.putTaskConfigs(name, generated);
          taskConfigs = generated;
        }
      } catch (err) {
        this.logger.error('cannot generate task configs', { connector: name, error: errorMessage(err) });
        this.statusStore.putConnector(name, this.status('FAILED', errorMessage(err)));
      }
    }
    this.removeTaskStatuses(name, taskConfigs.length);
    taskConfigs.forEach((tc, i) => this.startTask(name, i, stored.config, tc, stored.targetState));
  }

  private startTask(name: string, index: number, connectorConfig: Record<string, string>, taskConfig: Record<string, string>, target: TargetState): void {
    const running = this.running.get(name);
    if (!running) return;
    const id = { connector: name, task: index };
    let task: WorkerTask;
    try {
      task = this.worker.createTask(id, connectorConfig, taskConfig);
    } catch (err) {
      this.statusStore.putTask(name, index, this.status('FAILED', errorMessage(err)));
      return;
    }
    running.tasks.set(index, task);
    this.statusStore.putTask(name, index, this.status('UNASSIGNED'));
    task.start(target);
  }

  /** Removes statuses of tasks numbered `from` and up (tasks that no longer exist). */
  private removeTaskStatuses(name: string, from: number): void {
    for (const t of this.statusStore.tasks(name).keys()) if (t >= from) this.statusStore.removeTask(name, t);
  }

  private async stopTasks(name: string): Promise<void> {
    const running = this.running.get(name);
    if (!running) return;
    const tasks = [...running.tasks.values()];
    running.tasks.clear();
    await Promise.all(tasks.map((t) => t.stop()));
  }

  /** Stops the connector and its tasks; their statuses become `state` (null: left as they are). */
  private async stopConnectorAndTasks(name: string, state: ConnectorState | null): Promise<void> {
    const running = this.running.get(name);
    if (!running) return;
    const taskIds = [...running.tasks.keys()];
    await this.stopTasks(name);
    await running.connector.shutdown();
    this.running.delete(name);
    if (state && this.configStore.get(name)) {
      this.statusStore.putConnector(name, this.status(state));
      for (const t of taskIds) this.statusStore.putTask(name, t, this.status(state));
    }
  }

  private async reconfigureTasks(name: string): Promise<void> {
    const stored = this.configStore.get(name);
    const running = this.running.get(name);
    if (!stored || !running || !running.connector.running) return;
    const generated = await running.connector.taskConfigs();
    if (sameConfigs(generated, stored.tasks)) return;
    this.logger.info('task configs changed, restarting tasks', { connector: name, tasks: generated.length });
    await this.stopTasks(name);
    await this.configStore.putTaskConfigs(name, generated);
    this.removeTaskStatuses(name, generated.length);
    generated.forEach((tc, i) => this.startTask(name, i, stored.config, tc, stored.targetState));
  }

  // ---- Herder: reads ----------------------------------------------------------------------------------

  serverInfo(): { version: string; commit: string; kafka_cluster_id: string } {
    return { version: this.version, commit: this.commit, kafka_cluster_id: this.clusterId };
  }

  connectors(): string[] {
    return this.configStore.connectors().map((c) => c.name);
  }

  private stored(name: string) {
    const s = this.configStore.get(name);
    if (!s) throw new ConnectRestError(404, `Connector ${name} not found`);
    return s;
  }

  private typeOf(config: Readonly<Record<string, string>>): ConnectorType {
    const plugin = this.registry.connector(config['connector.class'] ?? '');
    return plugin ? plugin.type : 'unknown';
  }

  connectorInfo(name: string): ConnectorInfo {
    const s = this.stored(name);
    return { name, config: { ...s.config }, tasks: s.tasks.map((_t, task) => ({ connector: name, task })), type: this.typeOf(s.config) };
  }

  connectorConfig(name: string): Record<string, string> {
    return { ...this.stored(name).config };
  }

  private stateInfo(status: StatusValue): StateInfo {
    const out: StateInfo = { state: status.state, worker_id: status.worker_id };
    if (status.trace) out.trace = status.trace;
    return out;
  }

  connectorStatus(name: string): ConnectorStateInfo {
    const s = this.configStore.get(name);
    const status = this.statusStore.connector(name);
    if (!s || !status) throw new ConnectRestError(404, `No status found for connector ${name}`);
    const tasks = [...this.statusStore.tasks(name)].filter(([id]) => id < s.tasks.length).map(([id, st]) => ({ id, ...this.stateInfo(st) }));
    return { name, connector: this.stateInfo(status), tasks, type: this.typeOf(s.config) };
  }

  taskConfigs(name: string): TaskInfo[] {
    const s = this.stored(name);
    return s.tasks.map((config, task) => ({ id: { connector: name, task }, config: { ...config } }));
  }

  taskStatus(name: string, task: number): StateInfo & { id: number } {
    const s = this.stored(name);
    const status = task < s.tasks.length ? this.statusStore.task(name, task) : undefined;
    if (!status) throw new ConnectRestError(404, `No status found for task ${name}-${task}`);
    return { id: task, ...this.stateInfo(status) };
  }

  plugins(connectorsOnly: boolean): PluginInfo[] {
    return this.registry.infos(connectorsOnly);
  }

  // ---- Herder: changes ---------------------------------------------------------------------------------

  private requireStarted(): void {
    if (this.stopping) throw new ConnectRestError(503, 'The worker is shutting down');
  }

  async validateConfig(pluginClass: string, config: Record<string, string>): Promise<ConfigInfos> {
    const plugin = this.registry.connector(pluginClass) ?? this.registry.connector(config['connector.class'] ?? '');
    if (!plugin) throw new ConnectRestError(400, `Failed to find any class that implements Connector and which name matches ${pluginClass}`);
    return validateConnectorConfig(plugin, { ...config, 'connector.class': config['connector.class'] ?? pluginClass }, this.registry);
  }

  /** Validates a config for put; throws 400 with Connect's message. */
  private checkConfig(name: string, config: Record<string, string>): Record<string, string> {
    if (config.name !== undefined && config.name !== name) {
      throw new ConnectRestError(400, `Connector name configuration (${config.name}) doesn't match connector name in the URL (${name})`);
    }
    const full: Record<string, string> = { ...config, name };
    const cls = full['connector.class']?.trim();
    if (!cls) throw new ConnectRestError(400, invalidConfigMessage(new Map([['connector.class', ['Missing required configuration "connector.class" which has no default value.']]])));
    const plugin = this.registry.connector(cls);
    if (!plugin) throw new ConnectRestError(400, `Failed to find any class that implements Connector and which name matches ${cls}, available connectors are: ${this.registry.plugins.connectors.map((p) => p.className).join(', ')}`);
    const infos = validateConnectorConfig(plugin, full, this.registry);
    if (infos.error_count > 0) throw new ConnectRestError(400, invalidConfigMessage(validationErrors(infos)));
    return full;
  }

  async putConnectorConfig(name: string, config: Record<string, string>, allowReplace: boolean): Promise<{ created: boolean; info: ConnectorInfo }> {
    this.requireStarted();
    if (name.trim() === '' || /[\u0000-\u001f\u007f-\u009f]/.test(name)) throw new ConnectRestError(400, 'Connector name cannot be empty and cannot contain ISO control characters');
    const full = this.checkConfig(name, config);
    return this.enqueue(async () => {
      const exists = this.configStore.get(name) !== undefined;
      if (exists && !allowReplace) throw new ConnectRestError(409, `Connector ${name} already exists`);
      if (exists) await this.stopConnectorAndTasks(name, null);
      await this.configStore.putConnectorConfig(name, full);
      if (!exists) this.statusStore.putConnector(name, this.status('UNASSIGNED'));
      this.logger.info(exists ? 'connector config updated' : 'connector created', { connector: name });
      await this.startConnector(name);
      return { created: !exists, info: this.connectorInfo(name) };
    });
  }

  async patchConnectorConfig(name: string, patch: Record<string, string | null>): Promise<ConnectorInfo> {
    this.requireStarted();
    const current = this.connectorConfig(name);
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) delete current[k];
      else current[k] = v;
    }
    const result = await this.putConnectorConfig(name, current, true);
    return result.info;
  }

  async deleteConnector(name: string): Promise<void> {
    this.requireStarted();
    this.stored(name);
    await this.enqueue(async () => {
      this.stored(name);
      await this.stopConnectorAndTasks(name, null);
      await this.configStore.removeConnector(name);
      this.statusStore.removeConnector(name);
      this.logger.info('connector deleted', { connector: name });
    });
  }

  async pauseConnector(name: string): Promise<void> {
    await this.changeTargetState(name, 'PAUSED');
  }

  async resumeConnector(name: string): Promise<void> {
    await this.changeTargetState(name, 'STARTED');
  }

  async stopConnector(name: string): Promise<void> {
    await this.changeTargetState(name, 'STOPPED');
  }

  private async changeTargetState(name: string, target: TargetState): Promise<void> {
    this.requireStarted();
    this.stored(name);
    await this.enqueue(async () => {
      const stored = this.stored(name);
      const previous = stored.targetState;
      if (previous === target && this.running.has(name)) return;
      await this.configStore.putTargetState(name, target);
      this.logger.info('connector target state changed', { connector: name, from: previous, to: target });
      const running = this.running.get(name);
      if (target === 'STOPPED') {
        // Connect 3.5+: tasks are shut down and their configs removed; the connector config stays.
        const taskIds = running ? [...running.tasks.keys()] : [];
        await this.stopTasks(name);
        await this.configStore.putTaskConfigs(name, []);
        for (const t of new Set([...taskIds, ...this.statusStore.tasks(name).keys()])) this.statusStore.removeTask(name, t);
        if (running) await running.connector.transition('STOPPED');
        else this.statusStore.putConnector(name, this.status('STOPPED'));
        return;
      }
      if (previous === 'STOPPED' || !running) {
        // From STOPPED there are no tasks: start over (the connector generates task configs).
        await this.stopConnectorAndTasks(name, null);
        await this.startConnector(name);
        return;
      }
      await running.connector.transition(target);
      for (const t of running.tasks.values()) t.setTargetState(target);
      if (target === 'STARTED' && running.connector.running) await this.reconfigureTasks(name);
    });
  }

  async restartConnector(name: string, request: RestartRequest): Promise<ConnectorStateInfo | null> {
    this.requireStarted();
    this.stored(name);
    if (!request.includeTasks && !request.onlyFailed) {
      // Connect's plain restart: the connector instance only, answered 204 when done.
      await this.enqueue(async () => {
        this.stored(name);
        await this.restartConnectorInstance(name);
      });
      return null;
    }
    const status = this.connectorStatus(name);
    const restartConnector = !request.onlyFailed || status.connector.state === 'FAILED';
    const tasks = request.includeTasks ? status.tasks.filter((t) => !request.onlyFailed || t.state === 'FAILED').map((t) => t.id) : [];
    if (restartConnector) this.statusStore.putConnector(name, this.status('RESTARTING'));
    for (const t of tasks) this.statusStore.putTask(name, t, this.status('RESTARTING'));
    const snapshot = this.connectorStatus(name);
    void this.enqueue(async () => {
      if (!this.configStore.get(name)) return;
      if (restartConnector) await this.restartConnectorInstance(name);
      for (const t of tasks) await this.restartTaskNow(name, t);
    }).catch((err: unknown) => this.logger.error('restart failed', { connector: name, error: errorMessage(err) }));
    return snapshot;
  }

  private async restartConnectorInstance(name: string): Promise<void> {
    const stored = this.configStore.get(name);
    const running = this.running.get(name);
    if (!stored) return;
    if (!running) {
      await this.startConnector(name);
      return;
    }
    await running.connector.shutdown();
    const wc = this.worker.createConnector(name, stored.config);
    running.connector = wc;
    await wc.start(stored.targetState);
    if (stored.targetState === 'STARTED' && wc.running) await this.reconfigureTasks(name);
  }

  async restartTask(name: string, task: number): Promise<void> {
    this.requireStarted();
    const s = this.stored(name);
    if (task < 0 || task >= s.tasks.length) throw new ConnectRestError(404, `Task ${name}-${task} not found`);
    await this.enqueue(() => this.restartTaskNow(name, task));
  }

  private async restartTaskNow(name: string, task: number): Promise<void> {
    const stored = this.configStore.get(name);
    const running = this.running.get(name);
    if (!stored || !running || task >= stored.tasks.length) return;
    const current = running.tasks.get(task);
    running.tasks.delete(task);
    this.statusStore.putTask(name, task, this.status('RESTARTING'));
    await current?.stop();
    this.startTask(name, task, stored.config, stored.tasks[task], stored.targetState);
  }

  // ---- offsets -------------------------------------------------------------------------------------------

  async connectorOffsets(name: string): Promise<ConnectorOffsets> {
    const s = this.stored(name);
    const type = this.typeOf(s.config);
    if (type === 'sink') {
      const admin = createAdmin(this.target, `${this.config.clientId || 'connect'}-offsets-admin`);
      try {
        const groups = await admin.listConsumerGroupOffsets({ groups: [sinkGroupId(name)] });
        const offsets: ConnectorOffsets['offsets'] = [];
        for (const g of groups) {
          for (const t of g.topics) {
            for (const p of t.partitions) {
              if (p.committedOffset < 0n) continue;
              offsets.push({ partition: { kafka_topic: t.name, kafka_partition: p.partitionIndex }, offset: { kafka_offset: Number(p.committedOffset) } });
            }
          }
        }
        offsets.sort((a, b) => String(a.partition.kafka_topic).localeCompare(String(b.partition.kafka_topic)) || Number(a.partition.kafka_partition) - Number(b.partition.kafka_partition));
        return { offsets };
      } catch (err) {
        if (kafkaErrorName(err) === 'GROUP_ID_NOT_FOUND') return { offsets: [] };
        throw new ConnectRestError(500, `Failed to retrieve consumer group offsets for sink connector ${name}: ${errorMessage(err)}`);
      } finally {
        await settle(admin.close(), 2000);
      }
    }
    if (this.offsetStore instanceof TopicOffsetStore) await this.offsetStore.refresh();
    const entries = await this.offsetStore.list(name);
    return { offsets: entries.map((e) => ({ partition: { ...e.partition }, offset: e.offset === null ? null : { ...e.offset } })) };
  }

  private requireStopped(name: string): void {
    const s = this.stored(name);
    if (s.targetState !== 'STOPPED' || s.tasks.length !== 0) {
      throw new ConnectRestError(
        OFFSETS_NOT_STOPPED_STATUS,
        `Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/${name}/stop' endpoint`,
      );
    }
  }

  async alterConnectorOffsets(name: string, offsets: ConnectorOffsets): Promise<{ message: string }> {
    this.requireStarted();
    this.requireStopped(name);
    if (!offsets.offsets || offsets.offsets.length === 0) throw new ConnectRestError(400, 'Partitions / offsets need to be provided for an alter offsets request');
    return this.enqueue(async () => {
      this.requireStopped(name);
      const s = this.stored(name);
      const type = this.typeOf(s.config);
      if (type === 'sink') {
        await this.alterSinkOffsets(name, offsets);
        return { message: 'The Kafka Connect framework-managed offsets for this connector have been altered successfully. However, if this connector manages offsets externally, they will need to be manually altered in the system that the connector uses.' };
      }
      if (type !== 'source') throw new ConnectRestError(400, `Connector ${name} has an unknown connector class`);
      for (const e of offsets.offsets) {
        if (!isPlainObject(e.partition)) throw new ConnectRestError(400, 'Source partitions must be JSON objects');
        if (e.offset !== null && !isPlainObject(e.offset)) throw new ConnectRestError(400, 'Source offsets must be JSON objects or null');
      }
      const managed = await this.connectorAltersOffsets(s.config, offsets);
      await this.offsetStore.set(name, offsets.offsets.map((e) => ({ partition: e.partition as SourcePartition, offset: e.offset as SourceOffset | null })));
      return {
        message: managed
          ? 'The offsets for this connector have been altered successfully'
          : 'The Kafka Connect framework-managed offsets for this connector have been altered successfully. However, if this connector manages offsets externally, they will need to be manually altered in the system that the connector uses.',
      };
    });
  }

  /** Lets a source connector check (and apply) an offsets change; true when it manages them too. */
  private async connectorAltersOffsets(config: Record<string, string>, offsets: ConnectorOffsets): Promise<boolean> {
    const plugin = this.registry.connector(config['connector.class'] ?? '');
    const connector = plugin?.create();
    if (!connector || connector.kind !== 'source' || !connector.alterOffsets) return false;
    const map = new Map<SourcePartition, SourceOffset | null>(offsets.offsets.map((e) => [e.partition, e.offset]));
    try {
      return await connector.alterOffsets(config, map);
    } catch (err) {
      throw new ConnectRestError(400, `Failed to alter offsets for connector ${config.name}: ${errorMessage(err)}`);
    }
  }

  private async alterSinkOffsets(name: string, offsets: ConnectorOffsets): Promise<void> {
    const alter = new Map<string, { partition: number; offset: bigint }[]>();
    const remove = new Map<string, number[]>();
    for (const e of offsets.offsets) {
      const topic = e.partition.kafka_topic;
      const partition = e.partition.kafka_partition;
      if (typeof topic !== 'string' || topic === '') throw new ConnectRestError(400, 'Kafka partitions must contain the key "kafka_topic" with a topic name');
      if (typeof partition !== 'number' || !Number.isInteger(partition) || partition < 0) throw new ConnectRestError(400, 'Kafka partitions must contain the key "kafka_partition" with a non-negative partition number');
      if (e.offset === null) {
        remove.set(topic, [...(remove.get(topic) ?? []), partition]);
        continue;
      }
      const o = e.offset.kafka_offset;
      if (typeof o !== 'number' || !Number.isInteger(o) || o < 0) throw new ConnectRestError(400, 'Kafka offsets must contain the key "kafka_offset" with a non-negative offset');
      alter.set(topic, [...(alter.get(topic) ?? []), { partition, offset: BigInt(o) }]);
    }
    const admin = createAdmin(this.target, `${this.config.clientId || 'connect'}-offsets-admin`);
    try {
      if (alter.size > 0) await admin.alterConsumerGroupOffsets({ groupId: sinkGroupId(name), topics: [...alter].map(([topic, list]) => ({ name: topic, partitionOffsets: list })) });
      if (remove.size > 0) await admin.deleteConsumerGroupOffsets({ groupId: sinkGroupId(name), topics: [...remove].map(([topic, list]) => ({ name: topic, partitionIndexes: list })) });
    } catch (err) {
      throw new ConnectRestError(500, `Failed to alter consumer group offsets for connector ${name}: ${errorMessage(err)}`);
    } finally {
      await settle(admin.close(), 2000);
    }
  }

  async resetConnectorOffsets(name: string): Promise<{ message: string }> {
    this.requireStarted();
    this.requireStopped(name);
    return this.enqueue(async () => {
      this.requireStopped(name);
      const s = this.stored(name);
      const type = this.typeOf(s.config);
      if (type === 'sink') {
        const admin = createAdmin(this.target, `${this.config.clientId || 'connect'}-offsets-admin`);
        try {
          await admin.deleteGroups({ groups: [sinkGroupId(name)] });
        } catch (err) {
          const code = kafkaErrorName(err);
          if (code !== 'GROUP_ID_NOT_FOUND') throw new ConnectRestError(500, `Failed to reset consumer group offsets for connector ${name}: ${errorMessage(err)}`);
        } finally {
          await settle(admin.close(), 2000);
        }
        return { message: 'The Kafka Connect framework-managed offsets for this connector have been reset successfully. However, if this connector manages offsets externally, they will need to be manually reset in the system that the connector uses.' };
      }
      if (this.offsetStore instanceof TopicOffsetStore) await this.offsetStore.refresh();
      const entries = await this.offsetStore.list(name);
      const managed = await this.connectorAltersOffsets(s.config, { offsets: entries.map((e) => ({ partition: { ...e.partition }, offset: null })) });
      await this.offsetStore.set(name, entries.map((e) => ({ partition: e.partition, offset: null })));
      return {
        message: managed
          ? 'The offsets for this connector have been reset successfully'
          : 'The Kafka Connect framework-managed offsets for this connector have been reset successfully. However, if this connector manages offsets externally, they will need to be manually reset in the system that the connector uses.',
      };
    });
  }

  // ---- for the CLI -----------------------------------------------------------------------------------------

  /** Creates or replaces connectors from files given on the command line (standalone). */
  async addConnectorFromConfig(config: Record<string, string>): Promise<ConnectorInfo> {
    const name = config.name?.trim();
    if (!name) throw new ConnectConfigError('a connector config has no name');
    await this.idle();
    const existing = this.configStore.get(name);
    if (existing && sameConfigs([existing.config], [{ ...config, name }])) return this.connectorInfo(name);
    try {
      const { info } = await this.putConnectorConfig(name, config, true);
      return info;
    } catch (err) {
      if (err instanceof ConnectRestError) throw new ConnectConfigError(`connector ${name}: ${err.message}`);
      throw err;
    }
  }

  /** Waits until queued changes are done (tests). */
  async idle(): Promise<void> {
    await this.queue;
  }
}

function sameConfigs(a: readonly Record<string, string>[], b: readonly Record<string, string>[]): boolean {
  if (a.length !== b.length) return false;
  const norm = (c: Record<string, string>) => JSON.stringify(Object.keys(c).sort().map((k) => [k, c[k]]));
  return a.every((c, i) => norm(c) === norm(b[i]));
}
