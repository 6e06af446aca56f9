import { Args } from '@oclif/core';
import { ConnectCommand } from '../../admin/connect-client.ts';

/** `kstream connect pause NAME --json`: `{ "connector", "action": "pause" }` once the worker accepted the request. */
export interface ConnectPauseResult {
  connector: string;
  action: 'pause';
}

export default class ConnectPause extends ConnectCommand<typeof ConnectPause> {
  static override summary = 'pause a connector and its tasks';
  static override description = 'PUT /connectors/NAME/pause: the connector and its tasks stop processing records but keep their resources; resume with kstream connect resume NAME.';
  static override examples = ['<%= config.bin %> connect pause file-sink'];
  static override args = {
    name: Args.string({ description: 'Connector name', required: true }),
  };

  async run(): Promise<ConnectPauseResult> {
    await this.client.pause(this.args.name);
    const result: ConnectPauseResult = { connector: this.args.name, action: 'pause' };
    this.out.message(`paused connector ${JSON.stringify(this.args.name)}`);
    if (this.outputFormat !== 'table') await this.printResult(result, () => {});
    return result;
  }
}
