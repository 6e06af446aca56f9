/**
 * Test support: a LagSource that answers from a script (snapshots and errors, in order) and
 * compact builders of snapshots. Used by the monitor's tests; no I/O.
 */
import type { ClusterSnapshot, GroupSnapshot, LagSource, MemberSnapshot, TopicSnapshot } from '../../admin/lag-source.ts';

export type ScriptStep = ClusterSnapshot | Error;

/** Answers each poll with the next step of the script; once it runs out, with the last snapshot again. */
export class ScriptedSource implements LagSource {
  readonly #steps: ScriptStep[];
  #last: ClusterSnapshot | null = null;
  polls = 0;
  closed = false;

  constructor(steps: readonly ScriptStep[] = []) {
    this.#steps = [...steps];
  }

  /** Adds steps to the end of the script. */
  push(...steps: ScriptStep[]): void {
    this.#steps.push(...steps);
  }

  get remaining(): number {
    return this.#steps.length;
  }

  async poll(): Promise<ClusterSnapshot> {
    this.polls++;
    const step = this.#steps.shift();
    if (step instanceof Error) throw step;
    if (step) {
      this.#last = step;
      return step;
    }
    if (this.#last) return this.#last;
    throw new Error('the script is empty');
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

export interface MemberSpec {
  id: string;
  client?: string;
  host?: string;
  /** topic → partitions */
  owns: Record<string, number[]>;
}

export interface GroupSpec {
  group: string;
  state?: string;
  protocolType?: string;
  members?: MemberSpec[];
  /** `topic:partition` → committed offset */
  offsets?: Record<string, number>;
}

/** topic → per partition `[logStart, logEnd]` (or a log end alone, the start being 0). */
export type TopicsSpec = Record<string, (number | [number, number])[]>;

export function member(spec: MemberSpec): MemberSnapshot {
  return {
    memberId: spec.id,
    clientId: spec.client ?? spec.id.replace(/-\d+$/, ''),
    host: spec.host ?? '/10.0.0.1',
    assignment: Object.entries(spec.owns).map(([topic, partitions]) => ({ topic, partitions: [...partitions].sort((a, b) => a - b) })),
  };
}

export function group(spec: GroupSpec): GroupSnapshot {
  const members = (spec.members ?? []).map(member);
  return {
    group: spec.group,
    state: spec.state ?? (members.length > 0 ? 'Stable' : 'Empty'),
    protocolType: spec.protocolType ?? (members.length > 0 ? 'consumer' : ''),
    members,
    offsets: Object.entries(spec.offsets ?? {}).map(([key, committed]) => {
      const colon = key.lastIndexOf(':');
      return { topic: key.slice(0, colon), partition: Number(key.slice(colon + 1)), committed: BigInt(committed) };
    }),
  };
}

export function topics(spec: TopicsSpec): TopicSnapshot[] {
  return Object.entries(spec)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([topic, parts]) => ({
      topic,
      partitions: parts.map((p, partition) => {
        const [start, end] = Array.isArray(p) ? p : [0, p];
        return { partition, logStart: BigInt(start), logEnd: BigInt(end) };
      }),
    }));
}

/** A snapshot at `at` (epoch ms). */
export function snapshot(at: number, spec: { groups?: GroupSpec[]; topics?: TopicsSpec; pollMs?: number }): ClusterSnapshot {
  return {
    at,
    pollMs: spec.pollMs ?? 5,
    groups: (spec.groups ?? []).map(group).sort((a, b) => (a.group < b.group ? -1 : 1)),
    topics: topics(spec.topics ?? {}),
  };
}
