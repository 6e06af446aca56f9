/**
 * FileStreamSourceConnector (`org.apache.kafka.connect.file.FileStreamSourceConnector`): tails a
 * file, one record per line, as Kafka Connect's example connector does.
 *
 * Settings: `file` (the file to read; standard input when empty), `topic` (where lines go),
 * `batch.size` (most lines per poll, default 2000). Records: no key, value schema STRING, the line
 * without its line ending. Source partition `{"filename": <file>}`, offset `{"position": <byte
 * offset after the line>}`, so a restarted task resumes after the last committed line. Only complete
 * lines (ending in \n) are sent; a file that shrinks below the position is read again from the start.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { ConfigDef, ConnectorContext, ConnectorPlugin, SourceConnector, SourceRecord, SourceTask, SourceTaskContext } from '../api.ts';
import { Schemas } from '../data.ts';

export const FILE_STREAM_SOURCE_CLASS = 'org.apache.kafka.connect.file.FileStreamSourceConnector';
const VERSION = '1.0.0';
const READ_CHUNK = 64 * 1024;

const CONFIG_DEF: ConfigDef = [
  { name: 'file', type: 'string', defaultValue: null, importance: 'high', documentation: 'Source filename. If not specified, the standard input will be used' },
  {
    name: 'topic',
    type: 'list',
    importance: 'high',
    documentation: 'The topic to publish data to',
    validate: (v) => (typeof v === 'string' && v.split(',').filter((s) => s.trim() !== '').length === 1 ? undefined : "'topic' in FileStreamSourceConnector configuration requires definition of a single topic"),
  },
  {
    name: 'batch.size',
    type: 'int',
    defaultValue: 2000,
    importance: 'low',
    documentation: 'The maximum number of records the source task can read from the file each time it is polled',
    validate: (v) => (Number.isInteger(Number(v)) && Number(v) >= 1 ? undefined : 'Value must be at least 1'),
  },
];

class FileStreamSourceConnector implements SourceConnector {
  readonly kind = 'source' as const;
  private props: Record<string, string> = {};

  version(): string {
    return VERSION;
  }
  config(): ConfigDef {
    return CONFIG_DEF;
  }
  start(props: Readonly<Record<string, string>>, _context: ConnectorContext): void {
    this.props = { ...props };
  }
  taskConfigs(_maxTasks: number): Record<string, string>[] {
    // One file, one task.
    const config: Record<string, string> = { topic: this.props.topic.trim(), 'batch.size': this.props['batch.size'] ?? '2000' };
    if (this.props.file) config.file = this.props.file;
    return [config];
  }
  stop(): void {}
  createTask(): SourceTask {
    return new FileStreamSourceTask();
  }
  alterOffsets(_config: Readonly<Record<string, string>>, offsets: ReadonlyMap<Readonly<Record<string, unknown>>, Readonly<Record<string, unknown>> | null>): boolean {
    for (const [partition, offset] of offsets) {
      if (typeof partition.filename !== 'string') throw new Error('Partition objects for FileStreamSourceConnector must contain the key "filename"');
      if (offset !== null && !(typeof offset.position === 'number' && Number.isInteger(offset.position) && offset.position >= 0)) {
        throw new Error('Offset objects for FileStreamSourceConnector must contain the key "position" with a non-negative integer');
      }
    }
    return true;
  }
}

export class FileStreamSourceTask implements SourceTask {
  private filename: string | null = null;
  private topic = '';
  private batchSize = 2000;
  private fh: FileHandle | null = null;
  private position = 0;
  /** Bytes read after `position` that do not yet end a line. */
  private pending = Buffer.alloc(0);
  private stdinLines: string[] = [];
  private onStdin: ((chunk: Buffer) => void) | null = null;

  version(): string {
    return VERSION;
  }

  async start(props: Readonly<Record<string, string>>, context: SourceTaskContext): Promise<void> {
    this.filename = props.file?.trim() || null;
    this.topic = props.topic.trim();
    this.batchSize = Number(props['batch.size'] ?? '2000') || 2000;
    if (this.filename === null) {
      let partial = '';
      this.onStdin = (chunk: Buffer) => {
        const text = partial + chunk.toString('utf8');
        const lines = text.split('\n');
        partial = lines.pop() ?? '';
        this.stdinLines.push(...lines.map((l) => l.replace(/\r$/, '')));
      };
      process.stdin.on('data', this.onStdin);
      return;
    }
    const offset = await context.offsetStorageReader.offset({ filename: this.filename });
    const position = offset?.position;
    if (typeof position === 'number' && Number.isInteger(position) && position >= 0) this.position = position;
    else if (typeof position === 'bigint' && position >= 0n) this.position = Number(position);
  }

  async poll(): Promise<SourceRecord[] | null> {
    if (this.filename === null) return this.pollStdin();
    if (!this.fh) {
      try {
        this.fh = await open(this.filename, 'r');
      } catch (err) {
        // Not there yet: Connect keeps waiting for it.
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
    }
    const size = (await this.fh.stat()).size;
    if (size < this.position + this.pending.length) {
      // Truncated or replaced by a shorter file: start over.
      this.position = 0;
      this.pending = Buffer.alloc(0);
    }
    const records: SourceRecord[] = [];
    let readFrom = this.position + this.pending.length;
    while (records.length < this.batchSize) {
      const lineEnd = this.pending.indexOf(0x0a);
      if (lineEnd >= 0) {
        let line = this.pending.subarray(0, lineEnd).toString('utf8');
        if (line.endsWith('\r')) line = line.slice(0, -1);
        this.pending = this.pending.subarray(lineEnd + 1);
        this.position += lineEnd + 1;
        records.push(this.record(line));
        continue;
      }
      if (readFrom >= size) break;
      const buf = Buffer.alloc(Math.min(READ_CHUNK, size - readFrom));
      const { bytesRead } = await this.fh.read(buf, 0, buf.length, readFrom);
      if (bytesRead === 0) break;
      readFrom += bytesRead;
      this.pending = Buffer.concat([this.pending, buf.subarray(0, bytesRead)]);
    }
    return records.length > 0 ? records : null;
  }

  private pollStdin(): SourceRecord[] | null {
    if (this.stdinLines.length === 0) return null;
    const lines = this.stdinLines.splice(0, this.batchSize);
    return lines.map((line) => ({ ...this.record(line), sourcePartition: {}, sourceOffset: {} }));
  }

  private record(line: string): SourceRecord {
    return {
      topic: this.topic,
      kafkaPartition: null,
      keySchema: null,
      key: null,
      valueSchema: Schemas.STRING,
      value: line,
      timestamp: Date.now(),
      headers: [],
      sourcePartition: { filename: this.filename },
      sourceOffset: { position: this.position },
    };
  }

  async stop(): Promise<void> {
    if (this.onStdin) process.stdin.off('data', this.onStdin);
    const fh = this.fh;
    this.fh = null;
    await fh?.close();
  }
}

export const fileStreamSourcePlugin: ConnectorPlugin = {
  className: FILE_STREAM_SOURCE_CLASS,
  aliases: ['FileStreamSource', 'FileStreamSourceConnector'],
  type: 'source',
  version: VERSION,
  create: () => new FileStreamSourceConnector(),
};
