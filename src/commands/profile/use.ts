import { Args } from '@oclif/core';
import { LocalCommand } from '../../cli/local-command.ts';
import { profileView, requireProfile, type ProfileView } from '../../cli/profile-view.ts';
import { loadProfiles, saveProfiles } from '../../cli/profiles.ts';

/** `kstream profile use --json`: the profile now current, `{ "name", "bootstrapServer", "clientSettings", "current": true }`. */
export type ProfileUseResult = ProfileView;

export default class ProfileUse extends LocalCommand<typeof ProfileUse> {
  static override summary = 'make a profile the current one';
  static override description = 'Cluster commands use the current profile when neither --profile nor $KSTREAM_PROFILE names one.';
  static override examples = ['<%= config.bin %> profile use prod'];
  static override args = {
    name: Args.string({ description: 'Profile name', required: true }),
  };

  async run(): Promise<ProfileUseResult> {
    const { name } = this.args;
    const store = loadProfiles();
    const profile = requireProfile(store, name);
    store.current = name;
    saveProfiles(store);
    const result = profileView(name, profile, store);
    await this.printResult(result, () => {
      this.out.message(`current profile: ${name} (${profile.bootstrapServer})`);
    });
    return result;
  }
}
