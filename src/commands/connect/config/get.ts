import { Args } from '@oclif/core';
import { ConnectCommand } from '../../../admin/connect-client.ts';

/** `kstream connect config get NAME --json`: the configuration map, as GET /connectors/NAME/config answers it. */
export type ConnectConfigGetResult = Record<string, string>;

export default class ConnectConfigGet extends ConnectCommand<typeof ConnectConfigGet> {
  static override summary = 'show a connector\'s configuration';
  static override description = 'GET /connectors/NAME/config. The table lists the settings sorted by key; --json prints the map, which kstream connect create FILE --replace accepts back.';
  static override examples = ['<%= config.bin %> connect config get file-sink', '<%= config.bin %> connect config get file-sink --json > file-sink.json'];
  static override args = {
    name: Args.string({ description: 'Connector name', required: true }),
  };

  async run(): Promise<ConnectConfigGetResult> {
    const config = await this.client.config(this.args.name);
    await this.printResult(config, () => {
      this.out.table(['key', 'value'], Object.keys(config).sort().map((k) => [k, config[k]]));
    });
    return config;
  }
}
