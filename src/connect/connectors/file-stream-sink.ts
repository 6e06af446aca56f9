/**
 * FileStreamSinkConnector (`org.apache.kafka.connect.file.FileStreamSinkConnector`): appends each
 * record's value to a file, one line per record, as Kafka Connect's example connector does.
 *
 * Settings: `file` (standard output when empty), `topics` / `topics.regex`. Values are written as
 * text: strings as they are, bytes as UTF-8, other values as JSON. `flush` fsyncs the file, so the
 * offsets committed after it never run ahead of what is on disk.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { ConfigDef, ConnectorContext, ConnectorPlugin, SinkConnector, SinkRecord, SinkTask, SinkTaskContext } from '../api.ts';
import { Struct } from '../api.ts';
import { stringifyJson } from '../data.ts';
import { JsonConverter } from '../converters/json.ts';

export const FILE_STREAM_SINK_CLASS = 'org.apache.kafka.connect.file.FileStreamSinkConnector';
const VERSION = '1.0.0';

const CONFIG_DEF: ConfigDef = [{ name: 'file', type: 'string', defaultValue: null, importance: 'high', documentation: 'Destination filename. If not specified, the standard output will be used' }];

class FileStreamSinkConnector implements SinkConnector {
  readonly kind = 'sink' as const;
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
  taskConfigs(maxTasks: number): Record<string, string>[] {
    // Every task appends to the same file, as in Connect.
    const config: Record<string, string> = {};
    if (this.props.file) config.file = this.props.file;
    return Array.from({ length: Math.max(1, maxTasks) }, () => ({ ...config }));
  }
  stop(): void {}
  createTask(): SinkTask {
    return new FileStreamSinkTask();
  }
}

const json = new JsonConverter();
json.configure({ 'schemas.enable': 'false' }, false);

/** The text a value is written as. */
export function valueText(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Struct) return json.fromConnectData('', value.schema, value)?.toString('utf8') ?? 'null';
  const bytes = json.fromConnectData('', null, value);
  return bytes === null ? stringifyJson(value) : bytes.toString('utf8');
}

export class FileStreamSinkTask implements SinkTask {
  private fh: FileHandle | null = null;
  private toStdout = false;

  version(): string {
    return VERSION;
  }

  async start(props: Readonly<Record<string, string>>, _context: SinkTaskContext): Promise<void> {
    const file = props.file?.trim();
    if (!file) {
      this.toStdout = true;
      return;
    }
    this.fh = await open(file, 'a');
  }

  async put(records: readonly SinkRecord[]): Promise<void> {
    if (records.length === 0) return;
    const text = records.map((r) => valueText(r.value) + '\n').join('');
    if (this.toStdout) {
      process.stdout.write(text);
      return;
    }
    if (!this.fh) throw new Error('FileStreamSinkTask is not started');
    await this.fh.write(text);
  }

  async flush(): Promise<void> {
    await this.fh?.sync();
  }

  async stop(): Promise<void> {
    const fh = this.fh;
    this.fh = null;
    if (fh) {
      await fh.sync().catch(() => undefined);
      await fh.close();
    }
  }
}

export const fileStreamSinkPlugin: ConnectorPlugin = {
  className: FILE_STREAM_SINK_CLASS,
  aliases: ['FileStreamSink', 'FileStreamSinkConnector'],
  type: 'sink',
  version: VERSION,
  create: () => new FileStreamSinkConnector(),
};
