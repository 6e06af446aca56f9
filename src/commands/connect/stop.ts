import { Args } from '@oclif/core';
import { ConnectCommand } from '../../admin/connect-client.ts';

/** `kstream connect stop NAME --json`: `{ "connector", "action": "stop" }` once the worker accepted the request. */
export interface ConnectStopResult {
  connector: string;
  action: 'stop';
}

export default class ConnectStop extends ConnectCommand<typeof ConnectStop> {
  static override summary = 'stop a connector and shut down its tasks';
  static override description = "PUT /connectors/NAME/stop: the connector's tasks are shut down (its configuration is kept); a stopped connector's offsets can be changed with kstream connect offsets. Resume with kstream connect resume NAME.";
  static override examples = ['<%= config.bin %> connect stop file-sink'];
  static override args = {
    name: Args.string({ description: 'Connector name', required: true }),
  };

  async run(): Promise<ConnectStopResult> {
    await this.client.stop(this.args.name);
    const result: ConnectStopResult = { connector: this.args.name, action: 'stop' };
    this.out.message(`stopped connector ${JSON.stringify(this.args.name)}`);
    if (this.outputFormat !== 'table') await this.printResult(result, () => {});
    return result;
  }
}
