/**
 * PostgreSQL source connector (`io.kstream.connect.postgres.PostgresSourceConnector`):
 * the JDBC source connector's query modes and a Debezium-style CDC mode. See config.ts for the
 * settings, query-offsets.ts and cdc-offsets.ts for the offsets, cdc-envelope.ts for the events.
 */
import type { ConfigDef, ConnectorContext, ConnectorPlugin, SourceConnector, SourceOffset, SourcePartition } from '../../api.ts';
import { ConfigError, connectClient, connectorLogger, tableName, validateConfig, ConfigValues, type TableId } from '../postgres-common/index.ts';
import { listTables } from './catalog.ts';
import { CONNECTOR_VERSION } from './cdc-envelope.ts';
import { crossValidate, parseSourceConfig, sourceConfigDef, TASK_TABLES_KEY, type SourceConfig } from './config.ts';
import { encodeTaskTables, PostgresSourceTask } from './task.ts';
import { errorMessage } from './util.ts';

export { PostgresSourceTask } from './task.ts';
export { parseSourceConfig, sourceConfigDef } from './config.ts';

export const POSTGRES_SOURCE_CLASS = 'io.kstream.connect.postgres.PostgresSourceConnector';

/** Splits tables into at most `groups` contiguous groups of near-equal size (Connect's ConnectorUtils.groupPartitions). */
export function groupTables<T>(items: readonly T[], groups: number): T[][] {
  const n = Math.max(1, Math.min(groups, items.length));
  const out: T[][] = [];
  const base = Math.floor(items.length / n);
  const extra = items.length % n;
  let i = 0;
  for (let g = 0; g < n; g++) {
    const size = base + (g < extra ? 1 : 0);
    out.push(items.slice(i, i + size));
    i += size;
  }
  return out.filter((g) => g.length > 0);
}

export class PostgresSourceConnector implements SourceConnector {
  readonly kind = 'source' as const;
  private props: Readonly<Record<string, string>> = {};
  private parsed: SourceConfig | null = null;
  private tables: TableId[] = [];
  private monitor: NodeJS.Timeout | null = null;
  private context: ConnectorContext | null = null;
  private readonly log = connectorLogger({ connector: 'postgres-source' });

  version(): string {
    return CONNECTOR_VERSION;
  }

  config(): ConfigDef {
    return sourceConfigDef;
  }

  validate(props: Readonly<Record<string, string>>): Record<string, string[]> {
    const errors = validateConfig(sourceConfigDef, props);
    if (Object.keys(errors).length > 0) return errors;
    return crossValidate(new ConfigValues(sourceConfigDef, props));
  }

  async start(props: Readonly<Record<string, string>>, context: ConnectorContext): Promise<void> {
    const errors = this.validate(props);
    if (Object.keys(errors).length > 0) throw new ConfigError(errors);
    this.props = props;
    this.context = context;
    const config = parseSourceConfig(props);
    this.parsed = config;
    if (config.mode === 'cdc' || config.query) return;
    this.tables = await this.findTables(config);
    if (this.tables.length === 0) this.log.warn('no tables match the configuration; no task runs until one does');
    this.monitor = setInterval(() => void this.checkTables(), config.tablePollIntervalMs);
    this.monitor.unref();
  }

  private async findTables(config: SourceConfig): Promise<TableId[]> {
    const client = await connectClient(config.connection, { attempts: config.connectionAttempts, backoffMs: config.connectionBackoffMs, applicationName: 'kstream-postgres-source' });
    try {
      return await listTables(client, { include: config.includeTables, exclude: config.excludeTables, schemaPattern: config.schemaPattern, tableTypes: config.tableTypes });
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  private async checkTables(): Promise<void> {
    const config = this.parsed;
    if (!config) return;
    try {
      const now = await this.findTables(config);
      const key = (ts: TableId[]): string => ts.map(tableName).join('\n');
      if (key(now) !== key(this.tables)) {
        this.log.info('the set of tables changed; reconfiguring tasks', { tables: now.length });
        this.tables = now;
        this.context?.requestTaskReconfiguration();
      }
    } catch (error) {
      this.log.warn('looking for new tables failed', { error: errorMessage(error) });
    }
  }

  taskConfigs(maxTasks: number): Record<string, string>[] {
    const config = this.parsed;
    if (!config) throw new Error('connector not started');
    if (config.mode === 'cdc' || config.query) return [{ ...this.props }];
    return groupTables(this.tables, maxTasks).map((group) => ({ ...this.props, [TASK_TABLES_KEY]: encodeTaskTables(group) }));
  }

  alterOffsets(_config: Readonly<Record<string, string>>, offsets: ReadonlyMap<SourcePartition, SourceOffset | null>): boolean {
    for (const partition of offsets.keys()) {
      if (typeof partition.table !== 'string' && typeof partition.query !== 'string' && typeof partition.server !== 'string') {
        throw new Error(`not a partition of this connector: ${JSON.stringify(partition)}`);
      }
    }
    return true;
  }

  stop(): void {
    if (this.monitor) clearInterval(this.monitor);
    this.monitor = null;
    this.parsed = null;
  }

  createTask(): PostgresSourceTask {
    return new PostgresSourceTask();
  }
}

export const postgresSourcePlugin: ConnectorPlugin = {
  className: POSTGRES_SOURCE_CLASS,
  aliases: ['PostgresSource', 'PostgresSourceConnector'],
  type: 'source',
  version: CONNECTOR_VERSION,
  create: () => new PostgresSourceConnector(),
};
