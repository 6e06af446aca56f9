import { Args, Flags } from '@oclif/core';
import { LocalCommand } from '../../cli/local-command.ts';
import { clientOptionsFor } from '../../cli/connection.ts';
import { CliError } from '../../cli/errors.ts';
import { ExitCode } from '../../cli/exit-codes.ts';
import { parseBootstrapServers, parseKeyValuePairs } from '../../cli/flags.ts';
import { profileView, settingsCell, type ProfileView } from '../../cli/profile-view.ts';
import { checkProfileName, loadProfiles, profilesPath, saveProfiles } from '../../cli/profiles.ts';

/** `kstream profile create --json`: the profile, `{ "name", "bootstrapServer", "clientSettings", "current" }` (secrets masked). */
export type ProfileCreateResult = ProfileView;

export default class ProfileCreate extends LocalCommand<typeof ProfileCreate> {
  static override summary = 'save a connection profile';
  static override description = 'Saves a named set of connection settings (bootstrap servers and -X client settings) that cluster commands use with --profile NAME, $KSTREAM_PROFILE, or when it is the current profile. -b and $KSTREAM_BROKERS still override the profile\'s servers.';
  static override examples = [
    '<%= config.bin %> profile create local --bootstrap-server 127.0.0.1:9092 --use',
    '<%= config.bin %> profile create prod --bootstrap-server kafka1:9093,kafka2:9093 --client-setting security.protocol=SASL_SSL --client-setting sasl.mechanism=SCRAM-SHA-512 --client-setting sasl.username=app --client-setting sasl.password=secret',
  ];
  static override args = {
    name: Args.string({ description: 'Profile name (letters, digits, ".", "_" or "-")', required: true }),
  };
  static override flags = {
    'bootstrap-server': Flags.string({ char: 'b', description: 'Kafka broker(s), host:port[,host:port...]', required: true, helpValue: '<host:port>' }),
    'client-setting': Flags.string({ char: 'X', description: 'Client setting key=value (repeatable), e.g. -X client.id=my-tool', multiple: true, multipleNonGreedy: true, helpValue: '<key=value>' }),
    use: Flags.boolean({ description: 'Make it the current profile' }),
    force: Flags.boolean({ char: 'f', description: 'Replace a profile of the same name' }),
  };

  async run(): Promise<ProfileCreateResult> {
    const { name } = this.args;
    const { flags } = this;
    checkProfileName(name);
    const bootstrapServer = flags['bootstrap-server'].trim();
    parseBootstrapServers(bootstrapServer);
    const clientSettings = parseKeyValuePairs(flags['client-setting'], '-X');
    clientOptionsFor(clientSettings); // rejects unknown keys and bad values
    const store = loadProfiles();
    const existed = store.profiles[name] !== undefined;
    if (existed && !flags.force) {
      throw new CliError(`profile ${JSON.stringify(name)} already exists`, { exitCode: ExitCode.UNEXPECTED, code: 'PROFILE_EXISTS', hint: 'use --force to replace it' });
    }
    store.profiles[name] = { bootstrapServer, clientSettings };
    if (flags.use) store.current = name;
    saveProfiles(store);
    const result = profileView(name, store.profiles[name], store);
    await this.printResult(result, () => {
      this.out.keyValue([
        ['name', result.name],
        ['bootstrap server', result.bootstrapServer],
        ['client settings', settingsCell(result.clientSettings)],
        ['current', result.current ? 'yes' : 'no'],
      ]);
    });
    this.out.message(`${existed ? 'replaced' : 'saved'} profile ${JSON.stringify(name)} in ${profilesPath()}${result.current ? '; it is the current profile' : `; use it with kstream profile use ${name}`}`);
    return result;
  }
}
