/** The source task: the query modes or CDC, by `mode`. */
import type { SourceRecord, SourceTask, SourceTaskContext } from '../../api.ts';
import type { TableId } from '../postgres-common/index.ts';
import { CdcSourceTaskRunner } from './cdc-task.ts';
import { CONNECTOR_VERSION } from './cdc-envelope.ts';
import { parseSourceConfig, TASK_TABLES_KEY } from './config.ts';
import { QuerySourceTaskRunner } from './query-task.ts';

/** Tables as task configs carry them: a JSON array of [schema, table] pairs. */
export function encodeTaskTables(tables: readonly TableId[]): string {
  return JSON.stringify(tables.map((t) => [t.schema, t.table]));
}

export function decodeTaskTables(text: string | undefined): TableId[] {
  if (!text) return [];
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed)) throw new Error(`task config ${TASK_TABLES_KEY} is not a JSON array`);
  return parsed.map((entry) => {
    if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string' || typeof entry[1] !== 'string') {
      throw new Error(`bad table entry in ${TASK_TABLES_KEY}: ${JSON.stringify(entry)}`);
    }
    return { schema: entry[0], table: entry[1] };
  });
}

export class PostgresSourceTask implements SourceTask {
  private runner: QuerySourceTaskRunner | CdcSourceTaskRunner | null = null;

  version(): string {
    return CONNECTOR_VERSION;
  }

  async start(props: Readonly<Record<string, string>>, context: SourceTaskContext): Promise<void> {
    const config = parseSourceConfig(props);
    const runner = config.mode === 'cdc' ? new CdcSourceTaskRunner(config, context) : new QuerySourceTaskRunner(config, decodeTaskTables(props[TASK_TABLES_KEY]), context);
    this.runner = runner;
    try {
      await runner.start();
    } catch (error) {
      await runner.stop().catch(() => undefined);
      this.runner = null;
      throw error;
    }
  }

  async poll(): Promise<SourceRecord[] | null> {
    return this.runner ? this.runner.poll() : null;
  }

  commit(): void {
    if (this.runner instanceof CdcSourceTaskRunner) this.runner.commit();
  }

  commitRecord(record: SourceRecord): void {
    if (this.runner instanceof CdcSourceTaskRunner) this.runner.commitRecord(record);
  }

  /** CDC: the LSN confirmed to the server (null in the query modes). */
  get confirmedLsn(): bigint | null {
    return this.runner instanceof CdcSourceTaskRunner ? this.runner.confirmedLsn : null;
  }

  async stop(): Promise<void> {
    const runner = this.runner;
    this.runner = null;
    if (runner) await runner.stop();
  }
}
