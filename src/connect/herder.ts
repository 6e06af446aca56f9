/**
 * The Herder: what the REST API asks of the runtime (Kafka Connect's name for the component
 * that manages connectors' lifecycle and configs). The shapes are Kafka Connect's REST JSON,
 * so the REST layer only routes and serialises.
 */

export type ConnectorState = 'UNASSIGNED' | 'RUNNING' | 'PAUSED' | 'FAILED' | 'RESTARTING' | 'STOPPED';
export type ConnectorType = 'source' | 'sink' | 'unknown';

export interface ConnectorTaskId {
  connector: string;
  task: number;
}

/** GET /connectors/{name} */
export interface ConnectorInfo {
  name: string;
  config: Record<string, string>;
  tasks: ConnectorTaskId[];
  type: ConnectorType;
}

export interface StateInfo {
  state: ConnectorState;
  worker_id: string;
  trace?: string;
}

/** GET /connectors/{name}/status */
export interface ConnectorStateInfo {
  name: string;
  connector: StateInfo;
  tasks: (StateInfo & { id: number })[];
  type: ConnectorType;
}

/** GET /connectors/{name}/tasks */
export interface TaskInfo {
  id: ConnectorTaskId;
  config: Record<string, string>;
}

/** GET /connectors/{name}/offsets: `partition` and `offset` are the source's JSON, or for sinks {kafka_topic, kafka_partition} / {kafka_offset}. */
export interface ConnectorOffsets {
  offsets: { partition: Record<string, unknown>; offset: Record<string, unknown> | null }[];
}

/** GET /connector-plugins */
export interface PluginInfo {
  class: string;
  type: 'source' | 'sink' | 'converter' | 'transformation' | 'predicate' | 'header_converter';
  version?: string;
}

/** PUT /connector-plugins/{plugin}/config/validate */
export interface ConfigInfos {
  name: string;
  error_count: number;
  groups: string[];
  configs: {
    definition: {
      name: string;
      type: string;
      required: boolean;
      default_value: string | null;
      importance: string;
      documentation: string;
      group: string | null;
      order_in_group: number;
      width: string;
      display_name: string;
      dependents: string[];
    };
    value: { name: string; value: string | null; recommended_values: string[]; errors: string[]; visible: boolean };
  }[];
}

export interface RestartRequest {
  includeTasks: boolean;
  onlyFailed: boolean;
}

/** A REST-level failure: HTTP status and Connect's `{error_code, message}` body. */
export class ConnectRestError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'ConnectRestError';
    this.status = status;
  }
}

export interface Herder {
  /** `{version, commit, kafka_cluster_id}` for GET / */
  serverInfo(): { version: string; commit: string; kafka_cluster_id: string };
  connectors(): string[];
  connectorInfo(name: string): ConnectorInfo;
  connectorConfig(name: string): Record<string, string>;
  connectorStatus(name: string): ConnectorStateInfo;
  /** Creates or replaces; `created` tells which (201 vs 200). 409 when it exists and !allowReplace. */
  putConnectorConfig(name: string, config: Record<string, string>, allowReplace: boolean): Promise<{ created: boolean; info: ConnectorInfo }>;
  patchConnectorConfig(name: string, patch: Record<string, string | null>): Promise<ConnectorInfo>;
  deleteConnector(name: string): Promise<void>;
  restartConnector(name: string, request: RestartRequest): Promise<ConnectorStateInfo | null>;
  pauseConnector(name: string): Promise<void>;
  resumeConnector(name: string): Promise<void>;
  stopConnector(name: string): Promise<void>;
  taskConfigs(name: string): TaskInfo[];
  taskStatus(name: string, task: number): StateInfo & { id: number };
  restartTask(name: string, task: number): Promise<void>;
  connectorOffsets(name: string): Promise<ConnectorOffsets>;
  /** PATCH /offsets (connector must be STOPPED). */
  alterConnectorOffsets(name: string, offsets: ConnectorOffsets): Promise<{ message: string }>;
  /** DELETE /offsets (connector must be STOPPED). */
  resetConnectorOffsets(name: string): Promise<{ message: string }>;
  plugins(connectorsOnly: boolean): PluginInfo[];
  validateConfig(pluginClass: string, config: Record<string, string>): Promise<ConfigInfos>;
}
