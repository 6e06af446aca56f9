import { Args, Flags } from '@oclif/core';
import { CliError } from '../../cli/errors.ts';
import { ConnectCommand } from '../../admin/connect-client.ts';

/** `kstream connect delete NAME --json`: `{ "connector", "status": "deleted" | "missing" }` (missing only with --if-exists). */
export interface ConnectDeleteResult {
  connector: string;
  status: 'deleted' | 'missing';
}

export default class ConnectDelete extends ConnectCommand<typeof ConnectDelete> {
  static override summary = 'delete a connector';
  static override description = 'Stops the connector and its tasks and deletes its configuration (DELETE /connectors/NAME). Its offsets are kept.';
  static override aliases = ['connect rm'];
  static override examples = ['<%= config.bin %> connect delete file-sink', '<%= config.bin %> connect delete file-sink --if-exists'];
  static override args = {
    name: Args.string({ description: 'Connector name', required: true }),
  };
  static override flags = {
    'if-exists': Flags.boolean({ description: 'Succeed when the connector does not exist' }),
  };

  async run(): Promise<ConnectDeleteResult> {
    const name = this.args.name;
    let result: ConnectDeleteResult;
    try {
      await this.client.delete(name);
      result = { connector: name, status: 'deleted' };
      this.out.message(`deleted connector ${JSON.stringify(name)}`);
    } catch (err) {
      // Only the connector's 404, not a 404 for a URL that is not a Connect endpoint.
      if (!(this.flags['if-exists'] && err instanceof CliError && err.code === 'CONNECT_404' && err.message !== 'HTTP 404 Not Found')) throw err;
      result = { connector: name, status: 'missing' };
      this.out.message(`connector ${JSON.stringify(name)} does not exist`);
    }
    if (this.outputFormat !== 'table') await this.printResult(result, () => {});
    return result;
  }
}
