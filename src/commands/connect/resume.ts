import { Args } from '@oclif/core';
import { ConnectCommand } from '../../admin/connect-client.ts';

/** `kstream connect resume NAME --json`: `{ "connector", "action": "resume" }` once the worker accepted the request. */
export interface ConnectResumeResult {
  connector: string;
  action: 'resume';
}

export default class ConnectResume extends ConnectCommand<typeof ConnectResume> {
  static override summary = 'resume a paused or stopped connector';
  static override description = 'PUT /connectors/NAME/resume.';
  static override examples = ['<%= config.bin %> connect resume file-sink'];
  static override args = {
    name: Args.string({ description: 'Connector name', required: true }),
  };

  async run(): Promise<ConnectResumeResult> {
    await this.client.resume(this.args.name);
    const result: ConnectResumeResult = { connector: this.args.name, action: 'resume' };
    this.out.message(`resumed connector ${JSON.stringify(this.args.name)}`);
    if (this.outputFormat !== 'table') await this.printResult(result, () => {});
    return result;
  }
}
