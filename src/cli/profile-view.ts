/**
 * How `kstream profile` commands show a stored profile: secrets masked unless asked for.
 */
import { CliError } from './errors.ts';
import { ExitCode } from './exit-codes.ts';
import type { Profile, ProfileStore } from './profiles.ts';

/** A profile as `profile list/show/create --json` print it. */
export interface ProfileView {
  name: string;
  bootstrapServer: string;
  /** `-X` settings; secret values (passwords, tokens) masked as `********` unless revealed. */
  clientSettings: Record<string, string>;
  /** Whether this is the current profile (used when no --profile or $KSTREAM_PROFILE is given). */
  current: boolean;
}

export const MASK = '********';

/** Keys whose values are secrets. */
export function isSecretSetting(key: string): boolean {
  return /password|secret|token|credential/i.test(key);
}

export function profileView(name: string, profile: Profile, store: ProfileStore, options: { reveal?: boolean } = {}): ProfileView {
  const clientSettings: Record<string, string> = {};
  for (const [k, v] of Object.entries(profile.clientSettings ?? {})) clientSettings[k] = !options.reveal && isSecretSetting(k) ? MASK : v;
  return { name, bootstrapServer: profile.bootstrapServer, clientSettings, current: store.current === name };
}

/** `k=v,k=v` for a table cell; `-` when empty. */
export function settingsCell(settings: Record<string, string>): string {
  const entries = Object.entries(settings);
  return entries.length === 0 ? '-' : entries.map(([k, v]) => `${k}=${v}`).join(',');
}

/** The profile named `name`, or a usage error naming the known ones. */
export function requireProfile(store: ProfileStore, name: string): Profile {
  const profile = store.profiles[name];
  if (!profile) {
    throw new CliError(`no profile named ${JSON.stringify(name)}`, { exitCode: ExitCode.USAGE, code: 'USAGE', hint: 'list them with kstream profile list' });
  }
  return profile;
}
