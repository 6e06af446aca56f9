import { LocalCommand } from '../../cli/local-command.ts';
import { profileView, settingsCell, type ProfileView } from '../../cli/profile-view.ts';
import { loadProfiles } from '../../cli/profiles.ts';

/**
 * `kstream profile list --json`: `{ "current": name|null, "profiles": [{ "name",
 * "bootstrapServer", "clientSettings", "current" }] }`, sorted by name, secrets masked;
 * `--output ndjson` prints one profile per line.
 */
export interface ProfileListResult {
  current: string | null;
  profiles: ProfileView[];
}

export default class ProfileList extends LocalCommand<typeof ProfileList> {
  static override summary = 'list connection profiles';
  static override description = 'The current profile is marked with * in the CURRENT column.';
  static override aliases = ['profile ls'];
  static override examples = ['<%= config.bin %> profile list', '<%= config.bin %> profile list --output yaml'];

  async run(): Promise<ProfileListResult> {
    const store = loadProfiles();
    const profiles = Object.keys(store.profiles)
      .sort()
      .map((name) => profileView(name, store.profiles[name], store));
    const current = store.current !== null && store.profiles[store.current] ? store.current : null;
    const result: ProfileListResult = { current, profiles };
    await this.printResult(result, () => {
      if (profiles.length === 0) {
        this.out.message('no profiles; save one with kstream profile create NAME --bootstrap-server HOST:PORT');
        return;
      }
      this.out.table(['current', 'name', 'bootstrap-server', 'client-settings'], profiles.map((p) => [p.current ? '*' : '', p.name, p.bootstrapServer, settingsCell(p.clientSettings)]));
    }, 'profiles');
    return result;
  }
}
