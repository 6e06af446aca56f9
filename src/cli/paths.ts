/**
 * Files of a broker's data directory that the CLI manages. The default data directory is
 * `$KSTREAM_DATA_DIR`, else `$XDG_DATA_HOME/kstream`, else `~/.local/share/kstream`
 * (`defaultDataDir`, defined next to the broker configuration so the broker does not depend on the CLI).
 */
import { join, resolve } from 'node:path';
import { defaultDataDir } from '../broker/config.ts';

export { defaultDataDir };

/** The data directory to use: the flag's value (resolved against the working directory), else the default. */
export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag === undefined || flag === '' ? defaultDataDir(env) : resolve(flag);
}

/** `<dataDir>/broker.pid`: JSON describing the running broker (see `PidFileInfo`). */
export function pidFilePath(dataDir: string): string {
  return join(dataDir, 'broker.pid');
}

/** `<dataDir>/broker.log`: stdout and stderr of a broker started with `--daemon`. */
export function logFilePath(dataDir: string): string {
  return join(dataDir, 'broker.log');
}

/**
 * ` --data-dir <dir>` when `dataDir` is not the default, else '' — for commands suggested in
 * hints (`kstream broker stop${dataDirArg(dir)}`).
 */
export function dataDirArg(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(dataDir) === defaultDataDir(env) ? '' : ` --data-dir ${shellQuote(dataDir)}`;
}

/** Quotes an argument for a POSIX shell when it needs it. */
export function shellQuote(arg: string): string {
  return /^[\w./@%+=:,-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}
