/**
 * PostgreSQL sink connector (`io.kstream.connect.postgres.PostgresSinkConnector`), with the
 * Confluent JDBC sink connector's settings: insert/upsert/update, pk.mode, auto.create,
 * auto.evolve, delete.enabled, batch.size. See task.ts for the transaction per flush.
 */
import type { ConfigDef, ConnectorPlugin, SinkConnector } from '../../api.ts';
import { ConfigError, ConfigValues, validateConfig } from '../postgres-common/index.ts';
import { crossValidateSink, sinkConfigDef } from './config.ts';
import { PostgresSinkTask, SINK_VERSION } from './task.ts';

export { PostgresSinkTask } from './task.ts';
export { parseSinkConfig, sinkConfigDef } from './config.ts';

export const POSTGRES_SINK_CLASS = 'io.kstream.connect.postgres.PostgresSinkConnector';

export class PostgresSinkConnector implements SinkConnector {
  readonly kind = 'sink' as const;
  private props: Readonly<Record<string, string>> = {};

  version(): string {
    return SINK_VERSION;
  }

  config(): ConfigDef {
    return sinkConfigDef;
  }

  validate(props: Readonly<Record<string, string>>): Record<string, string[]> {
    const errors = validateConfig(sinkConfigDef, props);
    if (Object.keys(errors).length > 0) return errors;
    return crossValidateSink(new ConfigValues(sinkConfigDef, props));
  }

  start(props: Readonly<Record<string, string>>): void {
    const errors = this.validate(props);
    if (Object.keys(errors).length > 0) throw new ConfigError(errors);
    this.props = props;
  }

  taskConfigs(maxTasks: number): Record<string, string>[] {
    return Array.from({ length: Math.max(1, maxTasks) }, () => ({ ...this.props }));
  }

  stop(): void {}

  createTask(): PostgresSinkTask {
    return new PostgresSinkTask();
  }
}

export const postgresSinkPlugin: ConnectorPlugin = {
  className: POSTGRES_SINK_CLASS,
  aliases: ['PostgresSink', 'PostgresSinkConnector'],
  type: 'sink',
  version: SINK_VERSION,
  create: () => new PostgresSinkConnector(),
};
