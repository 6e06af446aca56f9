/**
 * Topic administration shared by CreateTopics, Metadata's auto-creation, DeleteTopics,
 * CreatePartitions and the config APIs. Each operation validates, then changes the registry
 * (persisted) and the logs; outcomes are Kafka error codes with a message.
 */
import { ErrorCode } from '../protocol/generated/error-codes.ts';
import type { BrokerConfig } from './config.ts';
import { effectiveTopicConfig, validateTopicConfigs, type EffectiveTopicConfig } from './config.ts';
import type { TopicRegistry, TopicMetadata } from './topic-registry.ts';
import type { LogManager } from '../storage/log-manager.ts';
import type { LogConfig } from '../storage/partition-log.ts';
import type { ReplicaManager } from './replica-manager.ts';
import { topicNameProblem, isInternalTopic } from './topic-name.ts';
import type { Logger } from '../util/logger.ts';

export interface Outcome {
  errorCode: number;
  errorMessage: string | null;
}

const ok: Outcome = { errorCode: 0, errorMessage: null };
const fail = (errorCode: number, errorMessage: string): Outcome => ({ errorCode, errorMessage });

/** Most partitions a single request may create at once (a guard against typos like 1e9). */
export const MAX_PARTITIONS_PER_TOPIC = 100_000;

export class TopicManager {
  private readonly config: BrokerConfig;
  private readonly registry: TopicRegistry;
  private readonly logs: LogManager;
  private readonly replicas: () => ReplicaManager;
  private readonly logger: Logger;
  private readonly creating = new Map<string, Promise<Outcome>>();
  private readonly effective = new Map<string, EffectiveTopicConfig>();

  constructor(config: BrokerConfig, registry: TopicRegistry, logs: LogManager, replicas: () => ReplicaManager, logger: Logger) {
    this.config = config;
    this.registry = registry;
    this.logs = logs;
    this.replicas = replicas;
    this.logger = logger;
  }

  /** Every config of a topic with its value and source (cached until the topic's configs change). */
  effectiveConfig(topic: string): EffectiveTopicConfig {
    let e = this.effective.get(topic);
    if (!e) {
      e = effectiveTopicConfig(this.config, this.registry.get(topic)?.configs ?? {});
      this.effective.set(topic, e);
    }
    return e;
  }

  logConfigFor(topic: string): LogConfig {
    return this.effectiveConfig(topic).logConfig;
  }

  minInsyncReplicas(topic: string): number {
    return Number(this.effectiveConfig(topic).values['min.insync.replicas'] ?? 1);
  }

  /** Checks a create request without changing anything. */
  checkCreate(name: string, partitions: number, replicationFactor: number, configs: Record<string, string>): Outcome {
    const problem = topicNameProblem(name);
    if (problem) return fail(ErrorCode.INVALID_TOPIC_EXCEPTION, problem);
    if (this.registry.get(name) || this.creating.has(name)) return fail(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${name}' already exists.`);
    if (partitions === -1) partitions = this.config.numPartitions;
    if (partitions < 1) return fail(ErrorCode.INVALID_PARTITIONS, 'Number of partitions must be larger than 0.');
    if (partitions > MAX_PARTITIONS_PER_TOPIC) return fail(ErrorCode.INVALID_PARTITIONS, `Number of partitions must be at most ${MAX_PARTITIONS_PER_TOPIC}.`);
    if (replicationFactor !== -1 && replicationFactor !== 1) {
      return fail(ErrorCode.INVALID_REPLICATION_FACTOR, `Replication factor: ${replicationFactor} larger than available brokers: 1.`);
    }
    const problems = validateTopicConfigs(configs);
    if (problems.length > 0) return fail(ErrorCode.INVALID_CONFIG, problems.map((p) => `${p.name}: ${p.message}`).join('; '));
    return ok;
  }

  async create(name: string, partitions: number, replicationFactor: number, configs: Record<string, string>): Promise<Outcome> {
    const check = this.checkCreate(name, partitions, replicationFactor, configs);
    if (check.errorCode !== 0) return check;
    const count = partitions === -1 ? this.config.numPartitions : partitions;
    const p = (async (): Promise<Outcome> => {
      const t = await this.registry.create(name, count, configs);
      this.effective.delete(name);
      await this.openPartitions(t, 0);
      this.logger.info('topic created', { topic: name, partitions: count });
      return ok;
    })().finally(() => this.creating.delete(name));
    this.creating.set(name, p);
    return p;
  }

  /** Metadata's auto-creation: creates with broker defaults unless it exists or is being created. */
  async autoCreate(name: string): Promise<Outcome> {
    const pending = this.creating.get(name);
    if (pending) return pending;
    if (this.registry.get(name)) return ok;
    return this.create(name, this.config.numPartitions, -1, {});
  }

  async delete(name: string): Promise<Outcome> {
    const t = this.registry.get(name);
    if (!t) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'This server does not host this topic-partition.');
    if (!this.config.deleteTopicEnable) return fail(ErrorCode.TOPIC_DELETION_DISABLED, 'Topic deletion is disabled.');
    if (isInternalTopic(name)) return fail(ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic '${name}' is internal and cannot be deleted.`);
    await this.registry.delete(name);
    this.effective.delete(name);
    await this.logs.deleteTopic(name);
    for (let p = 0; p < t.partitions; p++) this.replicas().wake(name, p);
    this.logger.info('topic deleted', { topic: name });
    return ok;
  }

  checkCreatePartitions(name: string, count: number): Outcome {
    const t = this.registry.get(name);
    if (!t) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${name}' does not exist.`);
    if (count < t.partitions) return fail(ErrorCode.INVALID_PARTITIONS, `Topic currently has ${t.partitions} partitions, which is higher than the requested ${count}.`);
    if (count === t.partitions) return fail(ErrorCode.INVALID_PARTITIONS, `Topic already has ${t.partitions} partitions.`);
    if (count > MAX_PARTITIONS_PER_TOPIC) return fail(ErrorCode.INVALID_PARTITIONS, `Number of partitions must be at most ${MAX_PARTITIONS_PER_TOPIC}.`);
    return ok;
  }

  async createPartitions(name: string, count: number): Promise<Outcome> {
    const check = this.checkCreatePartitions(name, count);
    if (check.errorCode !== 0) return check;
    const before = this.registry.get(name)!.partitions;
    const t = await this.registry.setPartitions(name, count);
    await this.openPartitions(t, before);
    this.logger.info('partitions added', { topic: name, from: before, to: count });
    return ok;
  }

  /** Replaces a topic's config overrides (AlterConfigs) after validation. */
  async setConfigs(name: string, configs: Record<string, string>, validateOnly: boolean): Promise<Outcome> {
    const t = this.registry.get(name);
    if (!t) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${name} does not exist.`);
    const problems = validateTopicConfigs(configs);
    if (problems.length > 0) return fail(ErrorCode.INVALID_CONFIG, problems.map((p) => `${p.name}: ${p.message}`).join('; '));
    if (validateOnly) return ok;
    await this.registry.setConfigs(name, configs);
    this.effective.delete(name);
    const logConfig = this.logConfigFor(name);
    for (let p = 0; p < t.partitions; p++) this.logs.get(name, p)?.updateConfig(logConfig);
    return ok;
  }

  private async openPartitions(t: TopicMetadata, from: number): Promise<void> {
    const logConfig = this.logConfigFor(t.name);
    for (let p = from; p < t.partitions; p++) {
      if (!this.logs.get(t.name, p)) await this.logs.create(t.name, p, logConfig);
    }
  }
}
