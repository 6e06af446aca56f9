/**
 * Source offsets: where each source connector got to, per source partition.
 *
 * - FileOffsetStore (standalone, `offset.storage.file.filename`): a JSON file
 *   `{"version":1,"offsets":{"<key>":<offset>,...}}` whose keys are Connect's offset keys
 *   (`["<connector>",{<partition>}]`), replaced atomically (write, fsync, rename) on every flush.
 *   (Java Connect writes this file with Java serialization; kstream uses JSON.)
 * - TopicOffsetStore (distributed, `offset.storage.topic`, default connect-offsets): Connect's format,
 *   key `["<connector>",{<partition>}]`, value the offset JSON, null to remove.
 * - MemoryOffsetStore: tests.
 */
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SourceOffset, SourcePartition } from '../api.ts';
import { isPlainObject, parseJson, stringifyJson } from '../data.ts';
import type { Logger } from '../../util/logger.ts';
import type { KafkaTarget } from '../kafka.ts';
import { canonicalJson, offsetKey, parseOffsetKey, parseOffsetValue } from './formats.ts';
import { KafkaLog } from './kafka-log.ts';

export interface OffsetEntry {
  partition: SourcePartition;
  offset: SourceOffset | null;
}

export interface OffsetStore {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The offset stored for each partition (null when none). */
  get(connector: string, partitions: readonly SourcePartition[]): Promise<Map<SourcePartition, SourceOffset | null>>;
  /** Every partition with an offset for the connector. */
  list(connector: string): Promise<OffsetEntry[]>;
  /** Stores offsets (null removes one); resolves once they are durable. */
  set(connector: string, entries: readonly OffsetEntry[]): Promise<void>;
}

interface Stored {
  connector: string;
  partition: SourcePartition;
  offset: SourceOffset;
}

const lookupKey = (connector: string, partition: SourcePartition): string => canonicalJson([connector, partition]);

/** The in-memory part shared by the stores. */
abstract class MapOffsetStore implements OffsetStore {
  protected readonly data = new Map<string, Stored>();

  abstract start(): Promise<void>;
  abstract stop(): Promise<void>;
  protected abstract persist(connector: string, entries: readonly OffsetEntry[]): Promise<void>;

  protected apply(connector: string, partition: SourcePartition, offset: SourceOffset | null): void {
    const k = lookupKey(connector, partition);
    if (offset === null) this.data.delete(k);
    else this.data.set(k, { connector, partition, offset });
  }

  async get(connector: string, partitions: readonly SourcePartition[]): Promise<Map<SourcePartition, SourceOffset | null>> {
    return new Map(partitions.map((p) => [p, this.data.get(lookupKey(connector, p))?.offset ?? null]));
  }

  async list(connector: string): Promise<OffsetEntry[]> {
    return [...this.data.values()].filter((s) => s.connector === connector).map((s) => ({ partition: s.partition, offset: s.offset }));
  }

  async set(connector: string, entries: readonly OffsetEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.persist(connector, entries);
    for (const e of entries) this.apply(connector, e.partition, e.offset);
  }
}

export class MemoryOffsetStore extends MapOffsetStore {
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  protected async persist(): Promise<void> {}
}

export class FileOffsetStore extends MapOffsetStore {
  readonly path: string;
  private writing: Promise<void> = Promise.resolve();

  constructor(path: string) {
    super();
    this.path = path;
  }

  async start(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    if (text.trim() === '') return;
    const doc = parseJson(text);
    if (!isPlainObject(doc) || !isPlainObject(doc.offsets)) throw new Error(`${this.path} is not a kstream offsets file`);
    for (const [key, value] of Object.entries(doc.offsets)) {
      const parsed = parseOffsetKey(key);
      if (parsed && isPlainObject(value)) this.apply(parsed.connector, parsed.partition, value);
    }
  }

  async stop(): Promise<void> {
    await this.writing;
  }

  protected persist(connector: string, entries: readonly OffsetEntry[]): Promise<void> {
    // Writes are serialised; each writes the whole map including these entries.
    const next = this.writing.then(async () => {
      const offsets: Record<string, SourceOffset> = {};
      const pending = new Map(entries.map((e) => [lookupKey(connector, e.partition), e]));
      for (const [k, s] of this.data) {
        const p = pending.get(k);
        if (p) continue;
        offsets[offsetKey(s.connector, s.partition)] = s.offset;
      }
      for (const e of entries) if (e.offset !== null) offsets[offsetKey(connector, e.partition)] = e.offset;
      await writeFileAtomic(this.path, stringifyJson({ version: 1, offsets }) + '\n');
    });
    this.writing = next.catch(() => undefined);
    return next;
  }
}

async function writeFileAtomic(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(text, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
  try {
    const dir = await open(dirname(path), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch {
    // Some platforms cannot fsync a directory.
  }
}

export interface TopicStoreOptions {
  target: KafkaTarget;
  topic: string;
  partitions: number;
  replicationFactor: number;
  clientId: string;
  logger: Logger;
  startTimeoutMs?: number;
}

export class TopicOffsetStore extends MapOffsetStore {
  readonly log: KafkaLog;

  constructor(options: TopicStoreOptions) {
    super();
    this.log = new KafkaLog({
      ...options,
      onRecord: (key, value) => {
        const parsed = parseOffsetKey(key);
        if (!parsed) return;
        this.apply(parsed.connector, parsed.partition, parseOffsetValue(value));
      },
    });
  }

  async start(): Promise<void> {
    await this.log.start();
  }

  async stop(): Promise<void> {
    await this.log.stop();
  }

  /** Re-reads the topic (offsets written by others, e.g. before this worker started). */
  async refresh(): Promise<void> {
    await this.log.readToEnd();
  }

  protected async persist(connector: string, entries: readonly OffsetEntry[]): Promise<void> {
    await this.log.sendAll(entries.map((e) => [offsetKey(connector, e.partition), e.offset === null ? null : stringifyJson(e.offset)] as const));
  }
}
