import { Args, Flags } from '@oclif/core';
import { CliError } from '../../cli/errors.ts';
import { ExitCode } from '../../cli/exit-codes.ts';
import { ConnectCommand, parseConnectorFile, readInput } from '../../admin/connect-client.ts';
import type { ConnectorInfo } from '../../connect/herder.ts';

/** `kstream connect create --json`: `{ "created": bool, "connector": ConnectorInfo }` (Connect's name, config, tasks, type). */
export interface ConnectCreateResult {
  created: boolean;
  connector: ConnectorInfo;
}

export default class ConnectCreate extends ConnectCommand<typeof ConnectCreate> {
  static override summary = 'create a connector from a JSON or .properties file';
  static override description = [
    'FILE is JSON as POST /connectors takes it ({"name": ..., "config": {...}}), a flat JSON config with "name" in it, or a .properties file (as a standalone worker reads). Use - for stdin.',
    'Without --replace the connector must not exist (POST /connectors; exit 3 if it does). With --replace it is created or its configuration replaced (PUT /connectors/NAME/config).',
  ].join('\n\n');
  static override examples = [
    '<%= config.bin %> connect create file-sink.json',
    '<%= config.bin %> connect create file-source.properties --replace',
    'cat c.json | <%= config.bin %> connect create - --name my-connector',
  ];
  static override args = {
    file: Args.string({ description: 'Connector definition (JSON or .properties), - for stdin', required: true }),
  };
  static override flags = {
    name: Flags.string({ description: 'Connector name (overrides the name in the file)' }),
    replace: Flags.boolean({ description: 'Create, or replace the configuration when the connector exists (PUT)' }),
  };

  async run(): Promise<ConnectCreateResult> {
    const source = this.args.file === '-' ? 'stdin' : this.args.file;
    const parsed = parseConnectorFile(readInput(this.args.file), source);
    const name = (this.flags.name ?? parsed.name ?? '').trim();
    if (name === '') {
      throw new CliError(`${source} has no connector name`, { exitCode: ExitCode.USAGE, code: 'USAGE', hint: 'add "name" to the file or pass --name' });
    }
    const config = { ...parsed.config, name };
    let result: ConnectCreateResult;
    if (this.flags.replace) {
      const { created, info } = await this.client.putConfig(name, config);
      result = { created, connector: info };
    } else {
      result = { created: true, connector: await this.client.create(name, config) };
    }
    this.out.message(`${result.created ? 'created' : 'updated'} connector ${JSON.stringify(name)}`);
    await this.printResult(result, () => {
      const c = result.connector;
      this.out.keyValue([
        ['name', c.name],
        ['type', c.type],
        ['class', c.config['connector.class'] ?? ''],
        ['tasks', String(c.tasks.length)],
      ]);
    });
    return result;
  }
}
