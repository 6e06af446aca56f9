import { Args } from '@oclif/core';
import { ConnectCommand } from '../../../admin/connect-client.ts';

/** `kstream connect offsets reset NAME --json`: `{ "connector", "message" }` with the worker's message. */
export interface ConnectOffsetsResetResult {
  connector: string;
  message: string;
}

export default class ConnectOffsetsReset extends ConnectCommand<typeof ConnectOffsetsReset> {
  static override summary = 'reset a stopped connector\'s offsets';
  static override description = 'DELETE /connectors/NAME/offsets: a source connector starts over from the beginning of its source; a sink connector\'s consumer group offsets are deleted. The connector must be STOPPED (kstream connect stop NAME).';
  static override examples = ['<%= config.bin %> connect stop file-source && <%= config.bin %> connect offsets reset file-source'];
  static override args = {
    name: Args.string({ description: 'Connector name', required: true }),
  };

  async run(): Promise<ConnectOffsetsResetResult> {
    const { message } = await this.client.resetOffsets(this.args.name);
    const result = { connector: this.args.name, message };
    this.out.message(message);
    if (this.outputFormat !== 'table') await this.printResult(result, () => {});
    return result;
  }
}
