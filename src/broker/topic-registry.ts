/**
 * The topics this broker serves: names, topic ids, partition counts and per-topic config
 * overrides, with the cluster id. Kept in memory and persisted as one JSON document
 * (`kstream-metadata.json` in the data dir), replaced atomically on every change
 * (write to a temporary file, fsync, rename, fsync the directory).
 */
import { randomUUID, randomBytes } from 'node:crypto';
import { open, readFile, rename, mkdir } from 'node:fs/promises';
import { join } from 'node:path';

export interface TopicMetadata {
  readonly name: string;
  readonly topicId: string;
  readonly partitions: number;
  readonly configs: Readonly<Record<string, string>>;
  readonly createdAt: number;
}

interface MetadataDocument {
  version: 1;
  clusterId: string;
  topics: TopicMetadata[];
}

export const METADATA_FILE = 'kstream-metadata.json';

/** Kafka cluster ids are 16 random bytes in URL-safe base64 without padding (22 characters). */
function newClusterId(): string {
  return randomBytes(16).toString('base64url');
}

async function writeFileDurably(path: string, content: string): Promise<void> {
  const tmp = `${path}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(content);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
  const dir = await open(join(path, '..'), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

export class TopicRegistry {
  readonly clusterId: string;
  private readonly path: string;
  private readonly topics = new Map<string, TopicMetadata>();
  private readonly ids = new Map<string, TopicMetadata>();
  private writing: Promise<void> = Promise.resolve();

  private constructor(path: string, clusterId: string, topics: TopicMetadata[]) {
    this.path = path;
    this.clusterId = clusterId;
    for (const t of topics) this.index(t);
  }

  static async load(dataDir: string): Promise<TopicRegistry> {
    await mkdir(dataDir, { recursive: true });
    const path = join(dataDir, METADATA_FILE);
    let doc: MetadataDocument | undefined;
    try {
      doc = JSON.parse(await readFile(path, 'utf8')) as MetadataDocument;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const registry = new TopicRegistry(path, doc?.clusterId ?? newClusterId(), doc?.topics ?? []);
    if (!doc) await registry.persist();
    return registry;
  }

  private index(t: TopicMetadata): void {
    this.topics.set(t.name, t);
    this.ids.set(t.topicId, t);
  }

  get(name: string): TopicMetadata | undefined {
    return this.topics.get(name);
  }

  byId(topicId: string): TopicMetadata | undefined {
    return this.ids.get(topicId);
  }

  list(): TopicMetadata[] {
    return [...this.topics.values()];
  }

  get size(): number {
    return this.topics.size;
  }

  partitionCount(): number {
    let n = 0;
    for (const t of this.topics.values()) n += t.partitions;
    return n;
  }

  async create(name: string, partitions: number, configs: Record<string, string>): Promise<TopicMetadata> {
    const t: TopicMetadata = { name, topicId: randomUUID(), partitions, configs: { ...configs }, createdAt: Date.now() };
    this.index(t);
    await this.persist();
    return t;
  }

  async delete(name: string): Promise<void> {
    const t = this.topics.get(name);
    if (!t) return;
    this.topics.delete(name);
    this.ids.delete(t.topicId);
    await this.persist();
  }

  async setPartitions(name: string, partitions: number): Promise<TopicMetadata> {
    return this.update(name, { partitions });
  }

  async setConfigs(name: string, configs: Record<string, string>): Promise<TopicMetadata> {
    return this.update(name, { configs: { ...configs } });
  }

  private async update(name: string, change: Partial<Pick<TopicMetadata, 'partitions' | 'configs'>>): Promise<TopicMetadata> {
    const old = this.topics.get(name);
    if (!old) throw new Error(`unknown topic ${name}`);
    const t: TopicMetadata = { ...old, ...change };
    this.index(t);
    await this.persist();
    return t;
  }

  /** Writes are serialized; each write stores the state at the time it runs. */
  private persist(): Promise<void> {
    const next = this.writing.then(() => {
      const doc: MetadataDocument = { version: 1, clusterId: this.clusterId, topics: this.list() };
      return writeFileDurably(this.path, JSON.stringify(doc, null, 2) + '\n');
    });
    this.writing = next.catch(() => undefined);
    return next;
  }
}
