import { Args, Flags } from '@oclif/core';
import { CliError } from '../../cli/errors.ts';
import { ExitCode } from '../../cli/exit-codes.ts';
import { ConnectCommand, parseConnectorFile, readInput } from '../../admin/connect-client.ts';
import type { ConfigInfos } from '../../connect/herder.ts';

/** `kstream connect validate PLUGIN --file F --json`: Connect's ConfigInfos `{ name, error_count, groups, configs: [{definition, value}] }`. */
export type ConnectValidateResult = ConfigInfos;

export default class ConnectValidate extends ConnectCommand<typeof ConnectValidate> {
  static override summary = 'validate a connector configuration against a plugin';
  static override description = [
    'PUT /connector-plugins/PLUGIN/config/validate with the configuration in FILE (JSON config, {"name", "config"} or .properties). Nothing is created.',
    'Prints the settings with errors and exits 2 when there are any (0 when the configuration is valid). --json prints the whole answer, with every setting\'s definition.',
  ].join('\n\n');
  static override examples = [
    '<%= config.bin %> connect validate FileStreamSinkConnector --file file-sink.json',
    '<%= config.bin %> connect validate org.apache.kafka.connect.file.FileStreamSourceConnector --file source.properties --json',
  ];
  static override args = {
    plugin: Args.string({ description: 'Connector plugin class (or alias)', required: true }),
  };
  static override flags = {
    file: Flags.string({ char: 'f', description: 'Connector configuration (JSON or .properties), - for stdin', required: true, helpValue: '<file>' }),
  };

  async run(): Promise<ConnectValidateResult> {
    const source = this.flags.file === '-' ? 'stdin' : this.flags.file;
    const parsed = parseConnectorFile(readInput(this.flags.file), source);
    // The name from {"name", "config"} files counts (Connect requires "name" in the config).
    const config = parsed.name !== null && parsed.config.name === undefined ? { ...parsed.config, name: parsed.name } : parsed.config;
    const infos = await this.client.validate(this.args.plugin, config);
    const failing = infos.configs.filter((c) => c.value.errors.length > 0);
    if (infos.error_count > 0 && this.jsonEnabled()) await this.exitWithJson(infos, ExitCode.USAGE);
    await this.printResult(infos, () => {
      if (failing.length === 0) return;
      this.out.table(['setting', 'value', 'error'], failing.flatMap((c) => c.value.errors.map((e) => [c.value.name, c.value.value ?? '', e])));
    }, 'configs');
    if (infos.error_count > 0) {
      throw new CliError(`the configuration has ${infos.error_count} error${infos.error_count === 1 ? '' : 's'}`, { exitCode: ExitCode.USAGE, code: 'CONNECT_INVALID_CONFIG', hint: 'fix the settings listed above' });
    }
    this.out.message(`the configuration is valid for ${infos.name} (${infos.configs.length} settings checked)`);
    return infos;
  }
}
