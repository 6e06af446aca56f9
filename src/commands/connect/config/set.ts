import { Args, Flags } from '@oclif/core';
import { CliError } from '../../../cli/errors.ts';
import { ExitCode } from '../../../cli/exit-codes.ts';
import { ConnectCommand, parseAssignments } from '../../../admin/connect-client.ts';
import type { ConnectorInfo } from '../../../connect/herder.ts';

/** `kstream connect config set NAME ... --json`: `{ "created": bool, "connector": ConnectorInfo }` (created only with --replace for a new connector). */
export interface ConnectConfigSetResult {
  created: boolean;
  connector: ConnectorInfo;
}

export default class ConnectConfigSet extends ConnectCommand<typeof ConnectConfigSet> {
  static override summary = 'change settings of a connector';
  static override description = [
    'By default changes only the given settings and keeps the others (PATCH /connectors/NAME/config, Kafka 3.8+); --unset KEY removes a setting.',
    'With --replace the given settings become the whole configuration (PUT /connectors/NAME/config), creating the connector if it does not exist.',
  ].join('\n\n');
  static override examples = [
    '<%= config.bin %> connect config set file-sink tasks.max=2 topics=orders',
    '<%= config.bin %> connect config set file-sink --unset transforms',
    '<%= config.bin %> connect config set file-sink --replace connector.class=FileStreamSink file=/tmp/out topics=orders',
  ];
  static override usage = 'connect config set NAME KEY=VALUE... [--replace] [--unset KEY...]';
  static override strict = false;
  static override args = {
    name: Args.string({ description: 'Connector name', required: true }),
    settings: Args.string({ description: 'key=value settings', required: false }),
  };
  static override flags = {
    replace: Flags.boolean({ description: 'Replace the whole configuration with the given settings (PUT)' }),
    unset: Flags.string({ description: 'Remove a setting (repeatable)', multiple: true, helpValue: '<key>' }),
  };

  async run(): Promise<ConnectConfigSetResult> {
    const name = this.args.name;
    // argv: NAME then the settings (oclif leaves the variadic tail in argv with strict = false).
    const { argv } = await this.parse(ConnectConfigSet);
    const settings = parseAssignments((argv as string[]).slice(1));
    const unset = this.flags.unset ?? [];
    if (this.flags.replace && unset.length > 0) {
      throw new CliError('--unset cannot be combined with --replace', { exitCode: ExitCode.USAGE, code: 'USAGE', hint: 'with --replace, leave the setting out' });
    }
    if (Object.keys(settings).length === 0 && unset.length === 0) {
      throw new CliError('nothing to change', { exitCode: ExitCode.USAGE, code: 'USAGE', hint: `give key=value settings or --unset KEY, e.g. kstream connect config set ${name} tasks.max=2` });
    }
    let result: ConnectConfigSetResult;
    if (this.flags.replace) {
      const { created, info } = await this.client.putConfig(name, { ...settings, name });
      result = { created, connector: info };
    } else {
      const patch: Record<string, string | null> = { ...settings };
      for (const key of unset) patch[key] = null;
      result = { created: false, connector: await this.client.patchConfig(name, patch) };
    }
    this.out.message(`${result.created ? 'created' : 'updated'} connector ${JSON.stringify(name)}`);
    await this.printResult(result, () => {
      const config = result.connector.config;
      this.out.table(['key', 'value'], Object.keys(config).sort().map((k) => [k, config[k]]));
    });
    return result;
  }
}
