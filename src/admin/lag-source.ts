/**
 * The data source of the lag monitor (`kstream top`, `kstream groups lag`): each `poll()` takes
 * one snapshot of the cluster over @platformatic/kafka's Admin — the groups (ListGroups), their
 * state and members with assignments (DescribeGroups, through `describeGroupsRaw`), their
 * committed offsets (OffsetFetch), and the log start / log end offsets of the partitions
 * involved (ListOffsets) — and returns it. Nothing is derived here: history, rates, time lag and
 * statuses are pure functions of the snapshots (src/tui/data).
 *
 * One Admin client is kept between polls. A poll that fails (the broker went away, a request
 * timed out) closes it and rejects; the next poll connects again, so callers show the error and
 * keep polling. Every poll is bounded by the target's timeout.
 *
 * Committed offsets are read before the log end offsets, so that a consumer that commits in
 * between shows a lag that is at worst a little high, never negative.
 */
import { Admin } from '@platformatic/kafka';
import { ClusterTimeoutError, formatServers, type ClusterTarget } from './client.ts';
import { decodeAssignment, type TopicAssignment } from './consumer-protocol.ts';
import { describeGroupsRaw } from './groups.ts';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, listOffsetsAt, tpKey, type TopicPartition } from './offsets.ts';

// ---- snapshots -----------------------------------------------------------------------------------

export interface MemberSnapshot {
  memberId: string;
  clientId: string;
  host: string;
  /** Decoded for `consumer` groups; empty otherwise and while the group rebalances. */
  assignment: TopicAssignment[];
}

export interface CommittedOffset {
  topic: string;
  partition: number;
  committed: bigint;
}

export interface GroupSnapshot {
  group: string;
  state: string;
  /** `consumer`, `connect`, or '' for groups that only commit offsets. */
  protocolType: string;
  members: MemberSnapshot[];
  /** Partitions with a committed offset. */
  offsets: CommittedOffset[];
}

export interface PartitionSnapshot {
  partition: number;
  /** Null when the partition's offsets could not be read (no leader, ...). */
  logStart: bigint | null;
  logEnd: bigint | null;
}

export interface TopicSnapshot {
  topic: string;
  partitions: PartitionSnapshot[];
}

/** The cluster as one poll saw it. */
export interface ClusterSnapshot {
  /** When the sample was complete (epoch ms): the time of its log end offsets. */
  at: number;
  /** How long the poll took (ms). */
  pollMs: number;
  /** Sorted by name. */
  groups: GroupSnapshot[];
  /** Sorted by name; the topics the groups use, and with `allTopics` every other one. */
  topics: TopicSnapshot[];
}

/** What the monitor reads snapshots from; tests pass scripted ones. */
export interface LagSource {
  /** One snapshot; rejects when the cluster cannot be reached or answers with an error. */
  poll(): Promise<ClusterSnapshot>;
  /** Releases connections; the source may not be polled afterwards. */
  close(): Promise<void>;
}

/** A one-line message for a failed poll. */
export function pollErrorMessage(err: unknown): string {
  const seen = new Set<unknown>();
  let e: unknown = err;
  // The innermost useful message: platformatic wraps network errors in aggregates.
  for (let depth = 0; depth < 6 && e && typeof e === 'object' && !seen.has(e); depth++) {
    seen.add(e);
    const errors = (e as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length > 0) {
      e = errors[errors.length - 1];
      continue;
    }
    break;
  }
  const text = e instanceof Error ? e.message : String(e);
  // The errno code (ECONNREFUSED...) of the error or of its causes.
  let code: unknown;
  for (let c: unknown = e, depth = 0; c && typeof c === 'object' && depth < 4 && code === undefined; c = (c as { cause?: unknown }).cause, depth++) {
    const k = (c as { code?: unknown }).code;
    if (typeof k === 'string' && /^E[A-Z]+$/.test(k)) code = k;
  }
  const line = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).join('; ') || 'unknown error';
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) && !line.includes(code) ? `${line} (${code})` : line;
}

// ---- the Kafka source ----------------------------------------------------------------------------

export interface KafkaLagSourceOptions {
  target: ClusterTarget;
  /** Only these groups (as given, also when the cluster does not know them); default every group. */
  groups?: readonly string[];
  /** Also every topic of the cluster (internal ones excepted), for the topics screen. */
  allTopics?: boolean;
  /** The clock (tests). */
  now?: () => number;
}

/** Internal topics are listed only when a group has offsets on them. */
function isInternalTopic(topic: string): boolean {
  return topic.startsWith('__');
}

function byName<T>(key: (v: T) => string): (a: T, b: T) => number {
  return (a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
}

export class KafkaLagSource implements LagSource {
  readonly #options: KafkaLagSourceOptions;
  readonly #now: () => number;
  #admin: Admin | null = null;
  #closed = false;

  constructor(options: KafkaLagSourceOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  async poll(): Promise<ClusterSnapshot> {
    if (this.#closed) throw new Error('the lag source is closed');
    const started = this.#now();
    const admin = this.#connect();
    const { target } = this.#options;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new ClusterTimeoutError(formatServers(target.servers), target.timeoutMs)), target.timeoutMs);
    });
    try {
      const snapshot = await Promise.race([this.#sample(admin), timeout]);
      return { ...snapshot, pollMs: Math.max(0, this.#now() - started) };
    } catch (err) {
      // Start over with a new client next time: the connections may be dead.
      await this.#disconnect();
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#disconnect();
  }

  #connect(): Admin {
    if (this.#admin) return this.#admin;
    const { target } = this.#options;
    this.#admin = new Admin({
      ...target.clientOptions,
      bootstrapBrokers: target.servers.map((s) => ({ host: s.host, port: s.port })),
      timeout: target.clientOptions.timeout ?? target.timeoutMs,
      connectTimeout: target.clientOptions.connectTimeout ?? target.timeoutMs,
      retries: target.clientOptions.retries ?? 0,
    } as ConstructorParameters<typeof Admin>[0]);
    return this.#admin;
  }

  async #disconnect(): Promise<void> {
    const admin = this.#admin;
    this.#admin = null;
    if (!admin) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([admin.close().catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, 1000)))]);
    clearTimeout(timer);
  }

  async #sample(admin: Admin): Promise<Omit<ClusterSnapshot, 'pollMs'>> {
    const { groups: only, allTopics } = this.#options;
    let ids: string[];
    const listedTypes = new Map<string, string>();
    if (only && only.length > 0) {
      ids = [...new Set(only)];
    } else {
      const listed = await admin.listGroups({});
      ids = [...listed.keys()];
      for (const [id, g] of listed) listedTypes.set(id, g.protocolType ?? '');
    }
    const described = await describeGroupsRaw(admin, ids);
    const committed = new Map<string, CommittedOffset[]>();
    if (ids.length > 0) {
      const answer = await admin.listConsumerGroupOffsets({ groups: ids });
      for (const g of answer) {
        const list: CommittedOffset[] = [];
        for (const t of g.topics) for (const p of t.partitions) if (p.committedOffset >= 0n) list.push({ topic: t.name, partition: p.partitionIndex, committed: p.committedOffset });
        committed.set(g.groupId, list);
      }
    }

    const groups: GroupSnapshot[] = ids.map((id) => {
      const d = described.get(id);
      const protocolType = d?.protocolType || listedTypes.get(id) || '';
      const members: MemberSnapshot[] = (d?.members ?? []).map((m) => ({
        memberId: m.memberId,
        clientId: m.clientId,
        host: m.clientHost,
        assignment: protocolType === 'consumer' ? (decodeAssignment(m.memberAssignment) ?? []) : [],
      }));
      members.sort(byName((m) => m.memberId));
      return { group: id, state: d?.groupState || 'Dead', protocolType, members, offsets: committed.get(id) ?? [] };
    });
    groups.sort(byName((g) => g.group));

    // The topics involved, and how many partitions each has.
    const existing = new Set(await admin.listTopics({ includeInternals: true }));
    const wanted = new Set<string>();
    for (const g of groups) {
      for (const o of g.offsets) wanted.add(o.topic);
      for (const m of g.members) for (const a of m.assignment) wanted.add(a.topic);
    }
    if (allTopics) for (const t of existing) if (!isInternalTopic(t)) wanted.add(t);
    const names = [...wanted].filter((t) => existing.has(t)).sort();
    const counts = new Map<string, number>();
    if (names.length > 0) {
      const metadata = await admin.metadata({ topics: names, forceUpdate: true });
      for (const t of names) {
        const meta = metadata.topics.get(t);
        if (meta) counts.set(t, meta.partitionsCount);
      }
    }
    const partitions: TopicPartition[] = [];
    for (const t of names) for (let p = 0; p < (counts.get(t) ?? 0); p++) partitions.push({ topic: t, partition: p });
    const [starts, ends] = await Promise.all([listOffsetsAt(admin, partitions, EARLIEST_TIMESTAMP), listOffsetsAt(admin, partitions, LATEST_TIMESTAMP)]);
    const at = this.#now();
    const known = (v: bigint | undefined): bigint | null => (v === undefined || v < 0n ? null : v);
    const topics: TopicSnapshot[] = names
      .filter((t) => counts.has(t))
      .map((topic) => ({
        topic,
        partitions: Array.from({ length: counts.get(topic)! }, (_v, partition) => ({
          partition,
          logStart: known(starts.get(tpKey(topic, partition))),
          logEnd: known(ends.get(tpKey(topic, partition))),
        })),
      }));
    return { at, groups, topics };
  }
}
