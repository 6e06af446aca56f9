/**
 * The broker's composition root: loads topic metadata and partition logs from the data dir,
 * builds the services handlers use, and serves the Kafka protocol on one TCP listener.
 *
 *   const broker = await Broker.start(createBrokerConfig({ dataDir, port: 0 }));
 *   broker.listenAddress  // { host, port }
 *   await broker.stop();  // stops accepting, flushes and closes every log
 */
import { mkdir } from 'node:fs/promises';
import type { BrokerConfig } from './config.ts';
import { advertisedAddress, effectiveTopicConfig } from './config.ts';
import { silentLogger, type Logger } from '../util/logger.ts';
import { TopicRegistry } from './topic-registry.ts';
import { TopicManager } from './topic-manager.ts';
import { ReplicaManager } from './replica-manager.ts';
import { ProducerIdManager } from './producer-id-manager.ts';
import { LogManager } from '../storage/log-manager.ts';
import { Dispatcher } from './dispatcher.ts';
import { BrokerServer } from './server.ts';
import { handlers } from './handlers/index.ts';
import type { BrokerContext } from './broker-context.ts';
import { GroupCoordinator } from './coordinator/group-coordinator.ts';
import { OffsetsTopicLog } from './coordinator/coordinator-log.ts';

export interface BrokerStats {
  topics: number;
  partitions: number;
  connections: number;
}

/** Kafka's offset.metadata.max.bytes default: the most metadata one committed offset may carry. */
const OFFSET_METADATA_MAX_BYTES = 4096;

/** Requests one connection may have in progress before reading from it pauses. */
const MAX_IN_FLIGHT_PER_CONNECTION = 64;

export class Broker {
  readonly listenAddress: { host: string; port: number };
  readonly clusterId: string;
  private readonly server: BrokerServer;
  private readonly logs: LogManager;
  private readonly context: BrokerContext;
  private readonly stopController: AbortController;
  private readonly logger: Logger;
  private stopped: Promise<void> | undefined;

  private constructor(parts: {
    listenAddress: { host: string; port: number };
    server: BrokerServer;
    logs: LogManager;
    context: BrokerContext;
    stopController: AbortController;
    logger: Logger;
  }) {
    this.listenAddress = parts.listenAddress;
    this.server = parts.server;
    this.logs = parts.logs;
    this.context = parts.context;
    this.clusterId = parts.context.clusterId;
    this.stopController = parts.stopController;
    this.logger = parts.logger;
  }

  static async start(config: BrokerConfig, options: { logger?: Logger } = {}): Promise<Broker> {
    const logger = options.logger ?? silentLogger;
    const started = Date.now();
    await mkdir(config.dataDir, { recursive: true });
    const topics = await TopicRegistry.load(config.dataDir);
    const producerIds = await ProducerIdManager.load(config.dataDir);
    let topicManager: TopicManager | undefined;
    // Before the topic manager exists (while logs load), configs come straight from the registry.
    const configFor = (topic: string) =>
      topicManager ? topicManager.logConfigFor(topic) : effectiveTopicConfig(config, topics.get(topic)?.configs ?? {}).logConfig;
    const logs = await LogManager.open(config.dataDir, {
      flushIntervalMs: config.logFlushIntervalMs,
      retentionCheckIntervalMs: config.logRetentionCheckIntervalMs,
      logger,
      configFor: (topic: string) => configFor(topic),
    });
    let replicas: ReplicaManager | undefined;
    topicManager = new TopicManager(config, topics, logs, () => replicas!, logger);
    replicas = new ReplicaManager(logs, configFor, logger);

    const offsetsLog = new OffsetsTopicLog(replicas, topics, topicManager, config.offsetsTopicNumPartitions, logger);
    await offsetsLog.ensureTopic();
    const groups = new GroupCoordinator(
      {
        groupMinSessionTimeoutMs: config.groupMinSessionTimeoutMs,
        groupMaxSessionTimeoutMs: config.groupMaxSessionTimeoutMs,
        groupInitialRebalanceDelayMs: config.groupInitialRebalanceDelayMs,
        offsetsRetentionMs: config.offsetsRetentionMinutes * 60_000,
        offsetsRetentionCheckIntervalMs: config.offsetsRetentionCheckIntervalMs,
        offsetMetadataMaxBytes: OFFSET_METADATA_MAX_BYTES,
      },
      offsetsLog,
      logger,
    );
    await groups.start();

    const dispatcher = new Dispatcher(handlers);
    const supported = dispatcher.supported();
    const stopController = new AbortController();
    const advertised = { host: config.advertisedHost, port: config.advertisedPort };
    const context: BrokerContext = {
      config,
      nodeId: config.nodeId,
      clusterId: topics.clusterId,
      advertised,
      topics,
      topicManager,
      replicas,
      logs,
      producerIds,
      groups,
      logger,
      supportedApis: () => supported,
      stopping: stopController.signal,
      now: Date.now,
    };
    const server = new BrokerServer(
      dispatcher,
      context,
      { maxRequestBytes: config.socketRequestMaxBytes, maxInFlight: MAX_IN_FLIGHT_PER_CONNECTION },
      logger,
    );
    let listenAddress: { host: string; port: number };
    try {
      listenAddress = await server.listen(config.host, config.port);
    } catch (err) {
      await logs.close();
      throw err;
    }
    const adv = advertisedAddress(config, listenAddress);
    advertised.host = adv.host;
    advertised.port = adv.port;
    logger.info('broker started', {
      host: listenAddress.host,
      port: listenAddress.port,
      advertised: `${adv.host}:${adv.port}`,
      dataDir: config.dataDir,
      clusterId: topics.clusterId,
      topics: topics.size,
      cleanStart: logs.cleanStart,
      startMs: Date.now() - started,
    });
    return new Broker({ listenAddress, server, logs, context, stopController, logger });
  }

  /** The partition logs (tests and tools that need storage-level control, such as compaction). */
  get logManager(): LogManager {
    return this.logs;
  }

  stats(): BrokerStats {
    return { topics: this.context.topics.size, partitions: this.context.topics.partitionCount(), connections: this.server.connectionCount };
  }

  /** Stops accepting, ends long polls, closes connections, then flushes and closes every log. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.stopController.abort();
      this.context.groups.stop();
      this.context.replicas.wakeAll();
      await this.server.close();
      await this.logs.close();
      this.logger.info('broker stopped');
    })();
    return this.stopped;
  }
}
