import { Args, Flags } from '@oclif/core';
import { LocalCommand } from '../../cli/local-command.ts';
import { CliError } from '../../cli/errors.ts';
import { ExitCode } from '../../cli/exit-codes.ts';
import { profileView, requireProfile, settingsCell, type ProfileView } from '../../cli/profile-view.ts';
import { loadProfiles } from '../../cli/profiles.ts';

/** `kstream profile show --json`: `{ "name", "bootstrapServer", "clientSettings", "current" }` (secrets masked unless --reveal). */
export type ProfileShowResult = ProfileView;

export default class ProfileShow extends LocalCommand<typeof ProfileShow> {
  static override summary = 'show a connection profile';
  static override description = 'Without NAME shows the profile cluster commands would use: $KSTREAM_PROFILE, else the current one.';
  static override examples = ['<%= config.bin %> profile show', '<%= config.bin %> profile show prod --reveal --json'];
  static override args = {
    name: Args.string({ description: 'Profile name [default: $KSTREAM_PROFILE or the current profile]' }),
  };
  static override flags = {
    reveal: Flags.boolean({ description: 'Show secret settings (passwords, tokens) instead of ********' }),
  };

  async run(): Promise<ProfileShowResult> {
    const store = loadProfiles();
    const name = this.args.name ?? (process.env.KSTREAM_PROFILE || undefined) ?? store.current ?? undefined;
    if (name === undefined) {
      throw new CliError('no current profile', { exitCode: ExitCode.USAGE, code: 'USAGE', hint: 'name one, or choose one with kstream profile use NAME' });
    }
    const result = profileView(name, requireProfile(store, name), store, { reveal: this.flags.reveal });
    await this.printResult(result, () => {
      this.out.keyValue([
        ['name', result.name],
        ['bootstrap server', result.bootstrapServer],
        ['client settings', settingsCell(result.clientSettings)],
        ['current', result.current ? 'yes' : 'no'],
      ]);
    });
    return result;
  }
}
