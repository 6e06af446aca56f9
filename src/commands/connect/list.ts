import { Flags } from '@oclif/core';
import { ConnectCommand, taskSummary } from '../../admin/connect-client.ts';
import type { ConnectorInfo, ConnectorStateInfo } from '../../connect/herder.ts';

/**
 * `kstream connect list --json`: `{ "connectors": [{ "name", "status"?, "info"? }] }`, sorted by
 * name; `status` (Connect's ConnectorStateInfo) and `info` (ConnectorInfo) with `--expand`.
 */
export interface ConnectListResult {
  connectors: { name: string; status?: ConnectorStateInfo; info?: ConnectorInfo }[];
}

export default class ConnectList extends ConnectCommand<typeof ConnectList> {
  static override summary = 'list connectors';
  static override description = 'Lists the connectors of a Kafka Connect cluster (GET /connectors). --expand status adds their states, --expand info their type, class and tasks.';
  static override aliases = ['connect ls'];
  static override examples = ['<%= config.bin %> connect list', '<%= config.bin %> connect list --expand status', '<%= config.bin %> connect list --expand status --expand info --output ndjson'];
  static override flags = {
    expand: Flags.option({ options: ['status', 'info'] as const, description: 'Add each connector\'s status and/or info (repeatable)', multiple: true })(),
  };

  async run(): Promise<ConnectListResult> {
    const expand = [...new Set(this.flags.expand ?? [])];
    let connectors: ConnectListResult['connectors'];
    if (expand.length === 0) {
      connectors = (await this.client.connectors()).sort().map((name) => ({ name }));
    } else {
      const expanded = await this.client.connectorsExpanded(expand);
      connectors = Object.keys(expanded)
        .sort()
        .map((name) => ({ name, ...expanded[name] }));
    }
    const result: ConnectListResult = { connectors };
    await this.printResult(result, () => {
      if (connectors.length === 0) {
        this.out.message("no connectors; create one with 'kstream connect create FILE'");
        return;
      }
      const headers = ['name'];
      if (expand.includes('status') || expand.includes('info')) headers.push('type');
      if (expand.includes('status')) headers.push('state', 'tasks', 'worker');
      if (expand.includes('info')) headers.push('class');
      this.out.table(
        headers,
        connectors.map((c) => {
          const row = [c.name];
          if (headers.includes('type')) row.push(c.status?.type ?? c.info?.type ?? '');
          if (c.status) row.push(c.status.connector.state, taskSummary(c.status.tasks), c.status.connector.worker_id);
          if (expand.includes('info')) row.push(c.info?.config['connector.class'] ?? '');
          return row;
        }),
      );
    }, 'connectors');
    return result;
  }
}
