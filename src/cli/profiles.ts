/**
 * Named connection profiles, stored as JSON in the user's config directory
 * (`$KSTREAM_CONFIG_DIR`, else `$XDG_CONFIG_HOME/kstream`, else `~/.config/kstream`),
 * file `profiles.json`: `{ "current": "prod", "profiles": { "prod": { "bootstrapServer": "...",
 * "clientSettings": { "client.id": "..." } } } }`. Writes are atomic (temporary file + rename).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { CliError } from './errors.ts';
import { ExitCode } from './exit-codes.ts';

export interface Profile {
  bootstrapServer: string;
  clientSettings: Record<string, string>;
}

export interface ProfileStore {
  current: string | null;
  profiles: Record<string, Profile>;
}

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KSTREAM_CONFIG_DIR) return env.KSTREAM_CONFIG_DIR;
  if (env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME)) return join(env.XDG_CONFIG_HOME, 'kstream');
  return join(env.HOME || homedir(), '.config', 'kstream');
}

export function profilesPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(configDir(env), 'profiles.json');
}

export function loadProfiles(env: NodeJS.ProcessEnv = process.env): ProfileStore {
  const path = profilesPath(env);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { current: null, profiles: {} };
    throw err;
  }
  try {
    const parsed = JSON.parse(text) as Partial<ProfileStore>;
    return { current: parsed.current ?? null, profiles: parsed.profiles ?? {} };
  } catch {
    throw new CliError(`${path} is not valid JSON`, { exitCode: ExitCode.USAGE, code: 'PROFILES', hint: 'fix or remove the file' });
  }
}

export function saveProfiles(store: ProfileStore, env: NodeJS.ProcessEnv = process.env): void {
  const dir = configDir(env);
  mkdirSync(dir, { recursive: true });
  const path = profilesPath(env);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(store, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, path);
}

const PROFILE_NAME = /^[A-Za-z0-9._-]{1,64}$/;

export function checkProfileName(name: string): void {
  if (!PROFILE_NAME.test(name)) {
    throw new CliError(`invalid profile name ${JSON.stringify(name)}`, { exitCode: ExitCode.USAGE, code: 'USAGE', hint: 'use letters, digits, ".", "_" or "-"' });
  }
}
