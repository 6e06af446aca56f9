/**
 * Topic administration over @platformatic/kafka: list, describe, create, delete, alter configs,
 * add partitions, trim (DeleteRecords). Works against kstream's broker and any Kafka cluster.
 *
 * Most operations use the library's `Admin` methods. Two things the `Admin` class does not
 * offer are done with the library's own per-version API functions (`metadataV12`,
 * `listOffsetsV9`, `createTopicsV7`, ...; the version is negotiated with `admin.listApis()`)
 * over the admin's connection pool:
 * - internal topics: `admin.metadata()` leaves topics flagged internal (`__consumer_offsets`)
 *   out, and `admin.listOffsets()` relies on it, so listing and describing read Metadata and,
 *   for internal topics, ListOffsets directly;
 * - `CreateTopics` with `validateOnly` (`admin.createTopics()` always sends false).
 *
 * Errors: Kafka error codes become `KafkaProtocolError`s naming the topic
 * (`topic "x" does not exist (UNKNOWN_TOPIC_OR_PARTITION)`, exit code 3); connection failures
 * become `ClusterUnreachableError` (exit code 4).
 */
import * as kafka from '@platformatic/kafka';
import type { Admin, Connection } from '@platformatic/kafka';
import { CliError } from '../cli/errors.ts';
import { ExitCode } from '../cli/exit-codes.ts';
import { ErrorCode, errorInfo } from '../protocol/generated/error-codes.ts';
import { KafkaProtocolError } from '../protocol/errors.ts';
import { KstreamError } from '../util/errors.ts';
import { ClusterTimeoutError, formatServers, withAdmin, type ClusterTarget } from './client.ts';
import { createTopicConfigs, incrementalConfigs, replaceConfigs, toConfigEntries, type AlterMode, type ConfigChange, type DescribedConfig, type TopicConfigEntry } from './configs.ts';

const TOPIC_RESOURCE = 2;
const LATEST = -1n;
const EARLIEST = -2n;

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/** The cluster cannot be reached (connection refused, timed out, dropped). Exit code 4. */
export class ClusterUnreachableError extends KstreamError {
  declare readonly exitCode: number;
  constructor(message: string, cause?: unknown) {
    super('UNREACHABLE', message, { cause, context: { exitCode: ExitCode.UNREACHABLE } });
  }
}

/** A Kafka error code the cluster answered for one resource. */
export interface KafkaFailure {
  errorCode: number;
  /** Kafka's name of the code, e.g. `UNKNOWN_TOPIC_OR_PARTITION`. */
  errorName: string;
  /** The topic (or other resource) the error is about, when the answer says. */
  resource: string | null;
  partition: number | null;
  /** The broker's own message, when it sent one. */
  serverMessage: string | null;
}

interface ErrorNode {
  code?: unknown;
  message?: unknown;
  errors?: unknown;
  cause?: unknown;
  response?: unknown;
  apiCode?: unknown;
  apiId?: unknown;
  path?: unknown;
  serverErrorMessage?: unknown;
}

function asNode(value: unknown): ErrorNode | null {
  return typeof value === 'object' && value !== null ? (value as ErrorNode) : null;
}

/** Visits an error and its members and causes, depth first; `response` is the nearest response seen above. */
function walkErrors(err: unknown, visit: (node: ErrorNode, response: unknown) => void): void {
  const seen = new Set<unknown>();
  const go = (value: unknown, response: unknown, depth: number): void => {
    const node = asNode(value);
    if (!node || seen.has(value) || depth > 10) return;
    seen.add(value);
    const here = node.response !== undefined ? node.response : response;
    visit(node, here);
    if (Array.isArray(node.errors)) for (const member of node.errors) go(member, here, depth + 1);
    go(node.cause, here, depth + 1);
  };
  go(err, undefined, 0);
}

/** The object a JSON-pointer-like path (`/topics/0/partitions/1`) names in `response`, with the topic name and partition met on the way. */
function resolvePath(response: unknown, path: string): { resource: string | null; partition: number | null } {
  let resource: string | null = null;
  let partition: number | null = null;
  let current: unknown = response;
  for (const segment of path.split('/').filter((s) => s !== '')) {
    if (typeof current !== 'object' || current === null) break;
    current = (current as Record<string, unknown>)[segment];
    const node = typeof current === 'object' && current !== null && !Array.isArray(current) ? (current as Record<string, unknown>) : null;
    if (!node) continue;
    if (typeof node.name === 'string') resource = node.name;
    else if (typeof node.resourceName === 'string') resource = node.resourceName;
    if (typeof node.partitionIndex === 'number') partition = node.partitionIndex;
  }
  return { resource, partition };
}

/**
 * The Kafka error codes in a @platformatic/kafka error (per topic, from the response it
 * carries), each once: a request retried by the client repeats the same errors.
 */
export function kafkaFailures(err: unknown): KafkaFailure[] {
  const out: KafkaFailure[] = [];
  const seen = new Set<string>();
  walkErrors(err, (node, response) => {
    if (node.code !== 'PLT_KFK_PROTOCOL' || typeof node.apiCode !== 'number') return;
    const where = typeof node.path === 'string' && response !== undefined ? resolvePath(response, node.path) : { resource: null, partition: null };
    const key = `${node.apiCode}/${where.resource}/${where.partition}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({
      errorCode: node.apiCode,
      errorName: typeof node.apiId === 'string' ? node.apiId : errorInfo(node.apiCode).name,
      resource: where.resource,
      partition: where.partition,
      serverMessage: typeof node.serverErrorMessage === 'string' && node.serverErrorMessage !== '' ? node.serverErrorMessage : null,
    });
  });
  return out;
}

/** The first response object carried by a @platformatic/kafka error (a ResponseError's), if any. */
export function responseOf(err: unknown): unknown {
  let found: unknown;
  walkErrors(err, (node) => {
    if (found === undefined && node.response !== undefined && node.response !== null) found = node.response;
  });
  return found;
}

function isNetworkFailure(err: unknown): { address: string | null; detail: string | null } | null {
  let found = false;
  let address: string | null = null;
  let detail: string | null = null;
  walkErrors(err, (node) => {
    if (node.code !== 'PLT_KFK_NETWORK') return;
    found = true;
    const m = /^Connection to (.+?) (failed|timed out)\.?$/.exec(typeof node.message === 'string' ? node.message : '');
    if (m && address === null) address = m[1];
    const cause = asNode(node.cause);
    const errno = cause && typeof cause.code === 'string' && /^E[A-Z_]+$/.test(cause.code) ? cause.code : null;
    if (detail === null) detail = errno ?? (m?.[2] === 'timed out' ? 'timed out' : null);
  });
  return found ? { address, detail } : null;
}

function quote(name: string): string {
  return JSON.stringify(name);
}

/** One line for a Kafka error about a topic: `topic "x" does not exist (UNKNOWN_TOPIC_OR_PARTITION)`. */
export function describeFailure(f: KafkaFailure, action?: string): string {
  const topic = f.resource !== null ? `topic ${quote(f.resource)}` : 'topic';
  const partition = f.partition !== null ? ` partition ${f.partition}` : '';
  switch (f.errorCode) {
    case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
      return f.partition !== null ? `partition ${f.partition} of ${topic} does not exist (${f.errorName})` : `${topic} does not exist (${f.errorName})`;
    case ErrorCode.TOPIC_ALREADY_EXISTS:
      return `${topic} already exists (${f.errorName})`;
    default: {
      const what = (f.serverMessage ?? errorInfo(f.errorCode).description).replace(/\.$/, '');
      if (f.resource === null) return `${action ? `cannot ${action} topics: ` : ''}${what} (${f.errorName})`;
      return `${action ? `cannot ${action} ` : ''}${topic}${partition}: ${what} (${f.errorName})`;
    }
  }
}

/** The error to raise for `failures` (the first one, with a count of the others). */
export function failureError(failures: readonly KafkaFailure[], action?: string): KafkaProtocolError {
  const [first] = failures;
  const more = failures.length > 1 ? ` (and ${failures.length - 1} more)` : '';
  return new KafkaProtocolError(first.errorCode, describeFailure(first, action) + more, {
    topic: first.resource,
    partition: first.partition,
    failures: failures.map((f) => ({ topic: f.resource, partition: f.partition, error: f.errorName })),
  });
}

/**
 * Turns an error of the client into kstream's: Kafka error codes → KafkaProtocolError,
 * connection failures and timeouts → ClusterUnreachableError; anything else unchanged.
 */
export function translateError(err: unknown, target: ClusterTarget, action?: string): unknown {
  if (err instanceof KstreamError && !(err instanceof ClusterTimeoutError)) return err;
  if (err instanceof ClusterTimeoutError) return new ClusterUnreachableError(err.message, err);
  const failures = kafkaFailures(err);
  if (failures.length > 0) return failureError(failures, action);
  const network = isNetworkFailure(err);
  if (network) {
    const where = network.address ?? formatServers(target.servers);
    return new ClusterUnreachableError(`cannot connect to ${where}${network.detail ? ` (${network.detail})` : ''}`, err);
  }
  return err;
}

/** Runs `fn` with an Admin client; errors are translated (see `translateError`). */
async function run<R>(target: ClusterTarget, fn: (admin: Admin) => Promise<R>, action?: string): Promise<R> {
  try {
    return await withAdmin(target, fn);
  } catch (err) {
    throw translateError(err, target, action);
  }
}

function usage(message: string, hint?: string): CliError {
  return new CliError(message, { exitCode: ExitCode.USAGE, code: 'USAGE', ...(hint === undefined ? {} : { hint }) });
}

// ---------------------------------------------------------------------------------------------
// The library's per-version API functions (for what `Admin` does not offer)
// ---------------------------------------------------------------------------------------------

interface VersionedApi {
  async(connection: Connection, ...args: unknown[]): Promise<unknown>;
  version: number;
}

const apiModules = kafka as unknown as Record<string, { api?: VersionedApi } | undefined>;

/** The highest version of API `name` that both the cluster and @platformatic/kafka implement. */
async function negotiatedApi(admin: Admin, name: 'Metadata' | 'ListOffsets' | 'CreateTopics'): Promise<VersionedApi> {
  const apis = await admin.listApis();
  const entry = apis.find((a) => a.name === name);
  const prefix = name[0].toLowerCase() + name.slice(1);
  if (entry) {
    for (let v = entry.maxVersion; v >= entry.minVersion; v--) {
      const api = apiModules[`${prefix}V${v}`]?.api;
      if (api) return api;
    }
  }
  throw new KstreamError('UNSUPPORTED_VERSION', `the cluster offers no version of ${name} that @platformatic/kafka implements`);
}

/** Sends a request; a response with error codes is returned rather than thrown (the caller reads the codes). */
async function send<T>(api: VersionedApi, connection: Connection, ...args: unknown[]): Promise<T> {
  try {
    return (await api.async(connection, ...args)) as T;
  } catch (err) {
    const response = (err as { code?: unknown; response?: unknown }).code === 'PLT_KFK_RESPONSE' ? responseOf(err) : undefined;
    if (response !== undefined) return response as T;
    throw err;
  }
}

interface RawPartition {
  errorCode: number;
  partitionIndex: number;
  leaderId: number;
  leaderEpoch?: number;
  replicaNodes: number[];
  isrNodes: number[];
  offlineReplicas?: number[];
}

interface RawTopic {
  errorCode: number;
  name: string | null;
  topicId?: string;
  isInternal?: boolean;
  partitions: RawPartition[];
}

interface RawMetadata {
  brokers: { nodeId: number; host: string; port: number }[];
  clusterId: string | null;
  controllerId: number;
  topics: RawTopic[];
}

/** Metadata for `topics` (null: every topic), internal topics included, with per-topic error codes. */
async function fetchMetadata(admin: Admin, target: ClusterTarget, topics: readonly string[] | null): Promise<RawMetadata> {
  const api = await negotiatedApi(admin, 'Metadata');
  const connection = await admin.connections.getFirstAvailable(target.servers.map((s) => ({ host: s.host, port: s.port })));
  return send<RawMetadata>(api, connection, topics === null ? null : [...topics], false, false);
}

function brokerOf(metadata: RawMetadata, nodeId: number): { host: string; port: number } {
  const b = metadata.brokers.find((x) => x.nodeId === nodeId);
  if (!b) throw new KstreamError('LEADER_NOT_AVAILABLE', `broker ${nodeId} is not in the cluster's metadata`);
  return { host: b.host, port: b.port };
}

const NULL_UUID = '00000000-0000-0000-0000-000000000000';

function topicIdOf(t: RawTopic): string | null {
  return t.topicId && t.topicId !== NULL_UUID && t.topicId !== t.name ? t.topicId : null;
}

function dedupe(names: readonly string[]): string[] {
  return [...new Set(names)];
}

function toNumber(offset: bigint): number {
  return Number(offset);
}

// ---------------------------------------------------------------------------------------------
// list
// ---------------------------------------------------------------------------------------------

export interface TopicSummary {
  name: string;
  partitions: number;
  replicationFactor: number;
  /** As the cluster flags it (`__consumer_offsets`, `__transaction_state`). */
  internal: boolean;
}

/** Topics with their partition counts, sorted by name; internal topics only with `includeInternal`. */
export async function listTopics(target: ClusterTarget, options: { includeInternal?: boolean } = {}): Promise<TopicSummary[]> {
  return run(target, async (admin) => {
    const metadata = await fetchMetadata(admin, target, null);
    return metadata.topics
      .filter((t): t is RawTopic & { name: string } => t.name !== null && t.errorCode === 0)
      .filter((t) => options.includeInternal || !t.isInternal)
      .map((t) => ({ name: t.name, partitions: t.partitions.length, replicationFactor: t.partitions[0]?.replicaNodes.length ?? 0, internal: t.isInternal === true }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  });
}

// ---------------------------------------------------------------------------------------------
// create
// ---------------------------------------------------------------------------------------------

export interface CreateTopicsOptions {
  names: readonly string[];
  /** Partitions of each topic; undefined: the broker's default (num.partitions). */
  partitions?: number;
  /** Replication factor; undefined: the broker's default (default.replication.factor). */
  replicationFactor?: number;
  configs?: ReadonlyMap<string, string>;
  /** An existing topic is reported as `exists` instead of failing. */
  ifNotExists?: boolean;
  /** Ask the cluster to check the request without creating anything. */
  validateOnly?: boolean;
}

/** `created`; `valid` with validateOnly (nothing created); `exists` with ifNotExists. */
export type CreateStatus = 'created' | 'valid' | 'exists';

export interface CreatedTopic {
  name: string;
  status: CreateStatus;
  /** null when the cluster does not say (validate-only, an existing topic, old clusters). */
  topicId: string | null;
  /** null for an existing topic or when the cluster does not say. */
  partitions: number | null;
  replicationFactor: number | null;
}

export interface CreateTopicsOutcome {
  topics: CreatedTopic[];
  /** Topics the cluster refused; the command fails when there are any. */
  failures: KafkaFailure[];
}

interface RawCreated {
  name: string;
  topicId?: string;
  errorCode: number;
  errorMessage: string | null;
  numPartitions?: number;
  replicationFactor?: number;
}

/** Checks the numbers of `topics create` before anything is sent. */
export function checkCreateOptions(options: CreateTopicsOptions): void {
  if (options.names.length === 0) throw usage('give at least one topic name');
  if (options.partitions !== undefined && (!Number.isInteger(options.partitions) || options.partitions < 1)) throw usage(`--partitions must be at least 1, got ${options.partitions}`);
  if (options.replicationFactor !== undefined && (!Number.isInteger(options.replicationFactor) || options.replicationFactor < 1 || options.replicationFactor > 32767)) {
    throw usage(`--replication-factor must be between 1 and 32767, got ${options.replicationFactor}`);
  }
}

/** Creates topics (one CreateTopics request); per-topic outcomes. */
export async function createTopics(target: ClusterTarget, options: CreateTopicsOptions): Promise<CreateTopicsOutcome> {
  checkCreateOptions(options);
  const names = dedupe(options.names);
  const configs = createTopicConfigs(options.configs ?? new Map());
  const raw = await run(target, async (admin): Promise<RawCreated[]> => {
    if (options.validateOnly) {
      const metadata = await fetchMetadata(admin, target, []);
      const api = await negotiatedApi(admin, 'CreateTopics');
      const controller = metadata.controllerId >= 0 ? brokerOf(metadata, metadata.controllerId) : null;
      const connection = controller ? await admin.connections.get(controller) : await admin.connections.getFirstAvailable(target.servers.map((s) => ({ host: s.host, port: s.port })));
      const requests = names.map((name) => ({ name, numPartitions: options.partitions ?? -1, replicationFactor: options.replicationFactor ?? -1, assignments: [], configs }));
      const response = await send<{ topics: RawCreated[] }>(api, connection, requests, target.timeoutMs, true);
      return response.topics;
    }
    try {
      const created = await admin.createTopics({ topics: names, partitions: options.partitions ?? -1, replicas: options.replicationFactor ?? -1, configs });
      return created.map((c) => ({ name: c.name, topicId: c.id, errorCode: 0, errorMessage: null, numPartitions: c.partitions, replicationFactor: c.replicas }));
    } catch (err) {
      const response = responseOf(err) as { topics?: RawCreated[] } | undefined;
      if (response && Array.isArray(response.topics)) return response.topics;
      throw err;
    }
  }, 'create');
  const topics: CreatedTopic[] = [];
  const failures: KafkaFailure[] = [];
  for (const t of raw) {
    if (t.errorCode === 0) {
      topics.push({
        name: t.name,
        status: options.validateOnly ? 'valid' : 'created',
        topicId: t.topicId && t.topicId !== NULL_UUID ? t.topicId : null,
        partitions: t.numPartitions !== undefined && t.numPartitions >= 0 ? t.numPartitions : options.partitions ?? null,
        replicationFactor: t.replicationFactor !== undefined && t.replicationFactor >= 0 ? t.replicationFactor : options.replicationFactor ?? null,
      });
    } else if (t.errorCode === ErrorCode.TOPIC_ALREADY_EXISTS && options.ifNotExists) {
      topics.push({ name: t.name, status: 'exists', topicId: null, partitions: null, replicationFactor: null });
    } else {
      failures.push({ errorCode: t.errorCode, errorName: errorInfo(t.errorCode).name, resource: t.name, partition: null, serverMessage: t.errorMessage });
    }
  }
  return { topics, failures };
}

// ---------------------------------------------------------------------------------------------
// delete
// ---------------------------------------------------------------------------------------------

/** `deleted`, or `missing` with ifExists for a topic that was not there. */
export type DeleteStatus = 'deleted' | 'missing';

export interface DeletedTopic {
  name: string;
  status: DeleteStatus;
}

export interface DeleteTopicsOutcome {
  topics: DeletedTopic[];
  failures: KafkaFailure[];
}

interface RawDeleted {
  name: string | null;
  errorCode: number;
  errorMessage: string | null;
}

/** Deletes topics (one DeleteTopics request); per-topic outcomes. */
export async function deleteTopics(target: ClusterTarget, names: readonly string[], options: { ifExists?: boolean } = {}): Promise<DeleteTopicsOutcome> {
  if (names.length === 0) throw usage('give at least one topic name');
  const wanted = dedupe(names);
  const raw = await run(target, async (admin): Promise<RawDeleted[]> => {
    try {
      await admin.deleteTopics({ topics: wanted });
      return wanted.map((name) => ({ name, errorCode: 0, errorMessage: null }));
    } catch (err) {
      const response = responseOf(err) as { responses?: RawDeleted[] } | undefined;
      if (response && Array.isArray(response.responses)) return response.responses;
      throw err;
    }
  }, 'delete');
  const topics: DeletedTopic[] = [];
  const failures: KafkaFailure[] = [];
  raw.forEach((t, i) => {
    const name = t.name ?? wanted[i];
    if (t.errorCode === 0) topics.push({ name, status: 'deleted' });
    else if (t.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION && options.ifExists) topics.push({ name, status: 'missing' });
    else failures.push({ errorCode: t.errorCode, errorName: errorInfo(t.errorCode).name, resource: name, partition: null, serverMessage: t.errorMessage });
  });
  return { topics, failures };
}

// ---------------------------------------------------------------------------------------------
// describe
// ---------------------------------------------------------------------------------------------

export interface PartitionDescription {
  partition: number;
  /** Node id of the leader; -1 when there is none. */
  leader: number;
  replicas: number[];
  isr: number[];
  offlineReplicas: number[];
  /** First offset still in the log; null when the leader could not say. */
  logStartOffset: number | null;
  /** The high watermark: the offset the next record gets (end offset for consumers); null when unknown. */
  highWatermark: number | null;
  /** highWatermark − logStartOffset: the records in the log (approximate for compacted topics and transactions). */
  messages: number | null;
}

export interface TopicDescription {
  name: string;
  /** The topic's UUID; null when the cluster does not send one (Metadata before v10). */
  topicId: string | null;
  internal: boolean;
  partitionCount: number;
  replicationFactor: number;
  /** By partition number; absent when only configs were asked for. */
  partitions?: PartitionDescription[];
  /** The topic's overrides (source DYNAMIC_TOPIC_CONFIG), or every config with allConfigs; sorted by name. */
  configs: TopicConfigEntry[];
}

export interface DescribeTopicsOptions {
  /** Skip partitions and offsets (`--configs`). */
  configsOnly?: boolean;
  /** Every config with its source, not only the overrides (`--all-configs`). */
  allConfigs?: boolean;
}

interface OffsetPair {
  start: bigint | null;
  end: bigint | null;
}

/** Log start and end offsets of every partition of `topics`, internal ones included. */
async function fetchOffsets(admin: Admin, metadata: RawMetadata, topics: readonly RawTopic[]): Promise<Map<string, Map<number, OffsetPair>>> {
  const out = new Map<string, Map<number, OffsetPair>>();
  const set = (topic: string, partition: number, key: keyof OffsetPair, value: bigint | null): void => {
    let byPartition = out.get(topic);
    if (!byPartition) out.set(topic, (byPartition = new Map()));
    const pair = byPartition.get(partition) ?? { start: null, end: null };
    pair[key] = value;
    byPartition.set(partition, pair);
  };
  const user = topics.filter((t) => !t.isInternal && t.partitions.length > 0);
  const internal = topics.filter((t) => t.isInternal && t.partitions.length > 0);
  for (const [key, timestamp] of [['start', EARLIEST], ['end', LATEST]] as const) {
    if (user.length > 0) {
      const listed = await admin.listOffsets({ topics: user.map((t) => ({ name: t.name!, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, timestamp })) })) });
      for (const t of listed) for (const p of t.partitions) set(t.name, p.partitionIndex, key, p.offset >= 0n ? p.offset : null);
    }
    if (internal.length > 0) {
      // admin.listOffsets() cannot route internal topics (see the module comment): ask each leader.
      const api = await negotiatedApi(admin, 'ListOffsets');
      const byLeader = new Map<number, { name: string; partitions: { partitionIndex: number; currentLeaderEpoch: number; timestamp: bigint }[] }[]>();
      for (const t of internal) {
        for (const p of t.partitions) {
          if (p.leaderId < 0) continue;
          const requests = byLeader.get(p.leaderId) ?? [];
          let request = requests.find((r) => r.name === t.name);
          if (!request) requests.push((request = { name: t.name!, partitions: [] }));
          request.partitions.push({ partitionIndex: p.partitionIndex, currentLeaderEpoch: -1, timestamp });
          byLeader.set(p.leaderId, requests);
        }
      }
      for (const [leader, requests] of byLeader) {
        const connection = await admin.connections.get(brokerOf(metadata, leader));
        const response = await send<{ topics: { name: string; partitions: { partitionIndex: number; errorCode: number; offset: bigint }[] }[] }>(api, connection, -1, 0, requests);
        for (const t of response.topics) for (const p of t.partitions) set(t.name, p.partitionIndex, key, p.errorCode === 0 && p.offset >= 0n ? p.offset : null);
      }
    }
  }
  return out;
}

/** Describes topics: partitions with offsets, topic id and configs. Every name must exist. */
export async function describeTopics(target: ClusterTarget, names: readonly string[], options: DescribeTopicsOptions = {}): Promise<TopicDescription[]> {
  if (names.length === 0) throw usage('give at least one topic name');
  const wanted = dedupe(names);
  return run(target, async (admin) => {
    const metadata = await fetchMetadata(admin, target, wanted);
    const failures: KafkaFailure[] = [];
    const found: RawTopic[] = [];
    for (const name of wanted) {
      const t = metadata.topics.find((x) => x.name === name);
      if (!t) failures.push({ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorName: 'UNKNOWN_TOPIC_OR_PARTITION', resource: name, partition: null, serverMessage: null });
      else if (t.errorCode !== 0) failures.push({ errorCode: t.errorCode, errorName: errorInfo(t.errorCode).name, resource: name, partition: null, serverMessage: null });
      else found.push(t);
    }
    if (failures.length > 0) throw failureError(failures, 'describe');
    const described = await admin.describeConfigs({ resources: wanted.map((name) => ({ resourceType: TOPIC_RESOURCE, resourceName: name })), includeSynonyms: false });
    const configsOf = new Map(described.map((d) => [d.resourceName, toConfigEntries(d.configs as DescribedConfig[], options.allConfigs === true)]));
    const offsets = options.configsOnly ? new Map<string, Map<number, OffsetPair>>() : await fetchOffsets(admin, metadata, found);
    return found.map((t): TopicDescription => {
      const name = t.name!;
      const partitions = [...t.partitions].sort((a, b) => a.partitionIndex - b.partitionIndex).map((p): PartitionDescription => {
        const o = offsets.get(name)?.get(p.partitionIndex) ?? { start: null, end: null };
        return {
          partition: p.partitionIndex,
          leader: p.leaderId,
          replicas: [...p.replicaNodes],
          isr: [...p.isrNodes],
          offlineReplicas: [...(p.offlineReplicas ?? [])],
          logStartOffset: o.start === null ? null : toNumber(o.start),
          highWatermark: o.end === null ? null : toNumber(o.end),
          messages: o.start === null || o.end === null ? null : toNumber(o.end - o.start),
        };
      });
      return {
        name,
        topicId: topicIdOf(t),
        internal: t.isInternal === true,
        partitionCount: t.partitions.length,
        replicationFactor: t.partitions[0]?.replicaNodes.length ?? 0,
        ...(options.configsOnly ? {} : { partitions }),
        configs: configsOf.get(name) ?? [],
      };
    });
  });
}

// ---------------------------------------------------------------------------------------------
// alter-config
// ---------------------------------------------------------------------------------------------

export interface AlterTopicConfigOptions {
  mode: AlterMode;
  /** Ask the cluster to check the change without applying it. */
  validateOnly?: boolean;
}

/** Changes a topic's configuration with IncrementalAlterConfigs, or AlterConfigs in replace mode. */
export async function alterTopicConfig(target: ClusterTarget, topic: string, changes: readonly ConfigChange[], options: AlterTopicConfigOptions): Promise<void> {
  await run(target, async (admin) => {
    const validateOnly = options.validateOnly === true;
    if (options.mode === 'replace') {
      await admin.alterConfigs({ resources: [{ resourceType: TOPIC_RESOURCE, resourceName: topic, configs: replaceConfigs(changes) }], validateOnly });
    } else {
      await admin.incrementalAlterConfigs({ resources: [{ resourceType: TOPIC_RESOURCE, resourceName: topic, configs: incrementalConfigs(changes) }], validateOnly });
    }
  }, 'change configs of');
}

// ---------------------------------------------------------------------------------------------
// add-partitions
// ---------------------------------------------------------------------------------------------

export interface AddPartitionsResult {
  topic: string;
  /** Partitions before. */
  previousCount: number;
  /** Partitions after (the total asked for). */
  count: number;
  /** True when the change was only validated. */
  dryRun: boolean;
}

/** Raises a topic's partition count to `count` (the new total, as Kafka's tools take it). */
export async function addPartitions(target: ClusterTarget, topic: string, count: number, options: { validateOnly?: boolean } = {}): Promise<AddPartitionsResult> {
  if (!Number.isInteger(count) || count < 1) throw usage(`--count must be a whole number of at least 1, got ${count}`);
  return run(target, async (admin) => {
    const metadata = await fetchMetadata(admin, target, [topic]);
    const t = metadata.topics.find((x) => x.name === topic);
    if (!t || t.errorCode !== 0) {
      const code = t?.errorCode ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      throw failureError([{ errorCode: code, errorName: errorInfo(code).name, resource: topic, partition: null, serverMessage: null }]);
    }
    const previousCount = t.partitions.length;
    if (count <= previousCount) {
      throw new KafkaProtocolError(ErrorCode.INVALID_PARTITIONS, `topic ${quote(topic)} already has ${previousCount} partition${previousCount === 1 ? '' : 's'}; --count is the new total and must be more (INVALID_PARTITIONS)`, { topic });
    }
    await admin.createPartitions({ topics: [{ name: topic, count, assignments: null }], validateOnly: options.validateOnly === true });
    return { topic, previousCount, count, dryRun: options.validateOnly === true };
  }, 'add partitions to');
}

// ---------------------------------------------------------------------------------------------
// trim
// ---------------------------------------------------------------------------------------------

const DURATION_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * A point in time for `--before-time`, as epoch milliseconds:
 * - a negative duration relative to `now`: `-1h`, `-30m`, `-2d`, `-1h30m`, `-500ms` (units ms s m h d w);
 * - epoch milliseconds: `1700000000000`;
 * - an ISO 8601 date or date-time: `2024-05-01`, `2024-05-01T12:00:00Z`, `2024-05-01T12:00:00+02:00`
 *   (a date-time without an offset is local time, a bare date is UTC midnight).
 */
export function parseTimeSpec(input: string, now: number = Date.now()): number {
  const text = input.trim();
  const bad = (): CliError => usage(`invalid time ${quote(input)}`, 'use an ISO 8601 time (2024-05-01T12:00:00Z), epoch milliseconds, or a duration ago like -1h, -30m, -2d');
  if (/^-(\d+(\.\d+)?(ms|s|m|h|d|w))+$/.test(text)) {
    let total = 0;
    for (const m of text.slice(1).matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g)) total += Number(m[1]) * DURATION_MS[m[2]];
    return Math.round(now - total);
  }
  if (/^\d+$/.test(text)) {
    const ms = Number(text);
    if (!Number.isSafeInteger(ms)) throw bad();
    return ms;
  }
  if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i.test(text)) {
    const ms = Date.parse(text.replace(' ', 'T'));
    if (Number.isNaN(ms)) throw bad();
    return ms;
  }
  throw bad();
}

/** Where `topics trim` cuts: before an offset, or before the first record at or after a time. */
export type TrimBoundary = { offset: bigint } | { timestamp: number };

/** Parses `--before-offset`: a whole number ≥ 0. */
export function parseOffset(input: string): bigint {
  if (!/^\d+$/.test(input.trim())) throw usage(`invalid offset ${quote(input)}: expected a whole number ≥ 0`);
  return BigInt(input.trim());
}

export interface TrimOptions {
  topic: string;
  /** Partitions to trim; all when empty or undefined. */
  partitions?: readonly number[];
  boundary: TrimBoundary;
  /** Compute what would be deleted without deleting. */
  dryRun?: boolean;
}

export interface TrimPartitionResult {
  partition: number;
  /** Log start offset before. */
  previousLogStartOffset: number;
  /** Log start offset after (what it would be, with dryRun). */
  logStartOffset: number;
  highWatermark: number;
  /** Records removed (logStartOffset − previousLogStartOffset). */
  deleted: number;
}

export interface TrimResult {
  topic: string;
  dryRun: boolean;
  /** The boundary asked for: an offset, or a time (ISO 8601, UTC). */
  before: { offset: number | null; time: string | null };
  partitions: TrimPartitionResult[];
}

/**
 * The offset each partition is cut at: the boundary clamped to [log start, high watermark].
 * For a time, `timeOffset` is the first offset at or after the time (null when every record
 * is older: then everything goes).
 */
export function trimTarget(start: bigint, end: bigint, boundary: { offset: bigint } | { timeOffset: bigint | null }): bigint {
  const wanted = 'offset' in boundary ? boundary.offset : boundary.timeOffset ?? end;
  if (wanted < start) return start;
  if (wanted > end) return end;
  return wanted;
}

/** Deletes the records before an offset or a time (DeleteRecords), per partition. */
export async function trimTopic(target: ClusterTarget, options: TrimOptions): Promise<TrimResult> {
  const { topic, boundary } = options;
  return run(target, async (admin) => {
    const metadata = await fetchMetadata(admin, target, [topic]);
    const t = metadata.topics.find((x) => x.name === topic);
    if (!t || t.errorCode !== 0) {
      const code = t?.errorCode ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      throw failureError([{ errorCode: code, errorName: errorInfo(code).name, resource: topic, partition: null, serverMessage: null }]);
    }
    if (t.isInternal) throw usage(`topic ${quote(topic)} is internal; its records are managed by the cluster`);
    const all = t.partitions.map((p) => p.partitionIndex).sort((a, b) => a - b);
    const selected = options.partitions && options.partitions.length > 0 ? [...new Set(options.partitions)].sort((a, b) => a - b) : all;
    const missing = selected.filter((p) => !all.includes(p));
    if (missing.length > 0) {
      throw failureError(missing.map((p) => ({ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorName: 'UNKNOWN_TOPIC_OR_PARTITION', resource: topic, partition: p, serverMessage: null })));
    }
    const list = async (timestamp: bigint): Promise<Map<number, bigint>> => {
      const listed = await admin.listOffsets({ topics: [{ name: topic, partitions: selected.map((partitionIndex) => ({ partitionIndex, timestamp })) }] });
      const out = new Map<number, bigint>();
      for (const lt of listed) for (const p of lt.partitions) out.set(p.partitionIndex, p.offset);
      return out;
    };
    const starts = await list(EARLIEST);
    const ends = await list(LATEST);
    const atTime = 'timestamp' in boundary ? await list(BigInt(boundary.timestamp)) : null;
    const cuts = new Map<number, bigint>();
    for (const p of selected) {
      const start = starts.get(p) ?? 0n;
      const end = ends.get(p) ?? start;
      const timeOffset = atTime ? atTime.get(p) ?? -1n : null;
      cuts.set(p, trimTarget(start, end, 'offset' in boundary ? boundary : { timeOffset: timeOffset !== null && timeOffset >= 0n ? timeOffset : null }));
    }
    const after = new Map<number, bigint>(cuts);
    const toDelete = selected.filter((p) => cuts.get(p)! > (starts.get(p) ?? 0n));
    if (!options.dryRun && toDelete.length > 0) {
      const deleted = await admin.deleteRecords({ topics: [{ name: topic, partitions: toDelete.map((partition) => ({ partition, offset: cuts.get(partition)! })) }] });
      for (const dt of deleted) for (const p of dt.partitions) after.set(p.partition, p.lowWatermark);
    }
    return {
      topic,
      dryRun: options.dryRun === true,
      before: 'offset' in boundary ? { offset: toNumber(boundary.offset), time: null } : { offset: null, time: new Date(boundary.timestamp).toISOString() },
      partitions: selected.map((p) => {
        const previous = starts.get(p) ?? 0n;
        const now = after.get(p) ?? previous;
        return { partition: p, previousLogStartOffset: toNumber(previous), logStartOffset: toNumber(now), highWatermark: toNumber(ends.get(p) ?? now), deleted: toNumber(now - previous) };
      }),
    };
  }, 'trim');
}
