import { Args } from '@oclif/core';
import { LocalCommand } from '../../cli/local-command.ts';
import { requireProfile } from '../../cli/profile-view.ts';
import { loadProfiles, saveProfiles } from '../../cli/profiles.ts';

/** `kstream profile delete --json`: `{ "name", "wasCurrent" }` (when it was current, no profile is current afterwards). */
export interface ProfileDeleteResult {
  name: string;
  wasCurrent: boolean;
}

export default class ProfileDelete extends LocalCommand<typeof ProfileDelete> {
  static override summary = 'delete a connection profile';
  static override aliases = ['profile rm'];
  static override examples = ['<%= config.bin %> profile delete staging'];
  static override args = {
    name: Args.string({ description: 'Profile name', required: true }),
  };

  async run(): Promise<ProfileDeleteResult> {
    const { name } = this.args;
    const store = loadProfiles();
    requireProfile(store, name);
    delete store.profiles[name];
    const wasCurrent = store.current === name;
    if (wasCurrent) store.current = null;
    saveProfiles(store);
    const result: ProfileDeleteResult = { name, wasCurrent };
    await this.printResult(result, () => {
      this.out.message(`deleted profile ${JSON.stringify(name)}${wasCurrent ? '; no profile is current now' : ''}`);
    });
    return result;
  }
}
