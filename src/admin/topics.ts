/** Topic administration over @platformatic/kafka: list, describe, create, delete, configs. */
import { withAdmin, type ClusterTarget } from './client.ts';

export interface TopicSummary {
  name: string;
  partitions: number;
  replicationFactor: number;
  internal: boolean;
}

export async function listTopics(target: ClusterTarget, options: { includeInternal?: boolean } = {}): Promise<TopicSummary[]> {
  return withAdmin(target, async (admin) => {
    const names = await admin.listTopics({ includeInternals: options.includeInternal ?? false });
    if (names.length === 0) return [];
    const metadata = await admin.metadata({ topics: names, forceUpdate: true });
    return names
      .map((name) => {
        const t = metadata.topics.get(name);
        return {
          name,
          partitions: t?.partitionsCount ?? 0,
          replicationFactor: t?.partitions?.[0]?.replicas?.length ?? 0,
          internal: name.startsWith('__'),
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name));
  });
}
