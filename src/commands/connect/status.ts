import { Args } from '@oclif/core';
import { ConnectCommand, traceSummary } from '../../admin/connect-client.ts';
import type { ConnectorStateInfo } from '../../connect/herder.ts';

/** `kstream connect status NAME --json`: Connect's ConnectorStateInfo `{ name, connector: {state, worker_id, trace?}, tasks: [{id, state, worker_id, trace?}], type }`. */
export type ConnectStatusResult = ConnectorStateInfo;

export default class ConnectStatus extends ConnectCommand<typeof ConnectStatus> {
  static override summary = 'show the state of a connector and its tasks';
  static override description = 'GET /connectors/NAME/status. The table shows the first line of a failure\'s trace; --json (or --output yaml) shows it whole.';
  static override examples = ['<%= config.bin %> connect status file-sink', '<%= config.bin %> connect status file-sink --json'];
  static override args = {
    name: Args.string({ description: 'Connector name', required: true }),
  };

  async run(): Promise<ConnectStatusResult> {
    const status = await this.client.status(this.args.name);
    await this.printResult(status, () => {
      this.out.keyValue([
        ['name', status.name],
        ['type', status.type],
        ['state', status.connector.state],
        ['worker', status.connector.worker_id],
        ...(status.connector.trace ? [['trace', traceSummary(status.connector.trace)] as const] : []),
      ]);
      if (status.tasks.length > 0) {
        this.out.data('');
        this.out.table(['task', 'state', 'worker', 'trace'], status.tasks.map((t) => [String(t.id), t.state, t.worker_id, traceSummary(t.trace)]));
      }
    }, 'tasks');
    return status;
  }
}
