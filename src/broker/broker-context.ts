/** What handlers see of the broker: its config, identity and the services they call. */
import type { BrokerConfig } from './config.ts';
import type { TopicRegistry } from './topic-registry.ts';
import type { TopicManager } from './topic-manager.ts';
import type { ReplicaManager } from './replica-manager.ts';
import type { LogManager } from '../storage/log-manager.ts';
import type { ProducerIdManager } from './producer-id-manager.ts';
import type { Logger } from '../util/logger.ts';
import type { GroupCoordinator } from './coordinator/group-coordinator.ts';

export interface SupportedApi {
  readonly apiKey: number;
  readonly minVersion: number;
  readonly maxVersion: number;
}

export interface BrokerContext {
  readonly config: BrokerConfig;
  readonly nodeId: number;
  readonly clusterId: string;
  /** Host and port clients are told to connect to (Metadata, FindCoordinator). */
  readonly advertised: { readonly host: string; readonly port: number };
  readonly topics: TopicRegistry;
  readonly topicManager: TopicManager;
  readonly replicas: ReplicaManager;
  readonly logs: LogManager;
  readonly producerIds: ProducerIdManager;
  readonly groups: GroupCoordinator;
  readonly logger: Logger;
  /** Every API this broker serves, for ApiVersions. */
  readonly supportedApis: () => readonly SupportedApi[];
  /** Aborted when the broker stops: long polls end early. */
  readonly stopping: AbortSignal;
  readonly now: () => number;
}
