/**
 * End-to-end tests of `kstream profile ...`, of where cluster commands connect (flags >
 * environment > profile > default), and of shell completion (`kstream autocomplete`), run as
 * real processes through the built entry point (bin/run.js → dist/). Every test has its own
 * KSTREAM_CONFIG_DIR, so they run concurrently.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type TestBroker } from '../helpers/broker.ts';
import { platformaticAdmin } from '../helpers/platformatic.ts';
import { cliEnvironment, cliTempDir, ensureCliBuilt, runCliOutput, type CliOutput } from '../helpers/cli.ts';
import type { ProfileListResult } from '../../src/commands/profile/list.ts';
import type { ProfileShowResult } from '../../src/commands/profile/show.ts';
import type { ProfileCreateResult } from '../../src/commands/profile/create.ts';

const tmp = cliTempDir('cli-profile');

/** Every run sets its own KSTREAM_CONFIG_DIR (or none, for the default location). */
const baseEnv = cliEnvironment(tmp, { KSTREAM_CONFIG_DIR: undefined });

type RunResult = CliOutput;

function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  return runCliOutput(args, { cwd: tmp, env: { ...baseEnv, ...env } });
}

let dirs = 0;
/** A fresh config directory, and a runner that uses it. */
function configDir(): { dir: string; kstream: (args: string[], env?: NodeJS.ProcessEnv) => Promise<RunResult> } {
  const dir = join(tmp, `config-${++dirs}`);
  return { dir, kstream: (args, env = {}) => run(args, { KSTREAM_CONFIG_DIR: dir, ...env }) };
}

/** A config directory holding `store` as profiles.json. */
function seeded(store: unknown): ReturnType<typeof configDir> {
  const c = configDir();
  mkdirSync(c.dir, { recursive: true });
  writeFileSync(join(c.dir, 'profiles.json'), JSON.stringify(store));
  return c;
}

const TWO_PROFILES = {
  current: 'local',
  profiles: {
    local: { bootstrapServer: '127.0.0.1:9092', clientSettings: {} },
    remote: { bootstrapServer: 'kafka1:9093,kafka2:9093', clientSettings: { 'client.id': 'tool', 'sasl.password': 'hunter2' } },
  },
};

function readStore(dir: string): unknown {
  return JSON.parse(readFileSync(join(dir, 'profiles.json'), 'utf8'));
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

beforeAll(() => {
  ensureCliBuilt();
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe.concurrent('kstream profile, connection precedence, completion', () => {
  describe('profile commands', () => {
    it('create and list', async () => {
      const { dir, kstream } = configDir();
      const empty = await kstream(['profile', 'list']);
      expect(empty).toEqual({ code: 0, stdout: '', stderr: 'no profiles; save one with kstream profile create NAME --bootstrap-server HOST:PORT\n' });

      const local = await kstream(['profile', 'create', 'local', '--bootstrap-server', '127.0.0.1:9092', '--use']);
      expect(local).toEqual({
        code: 0,
        stdout: ['name              local', 'bootstrap server  127.0.0.1:9092', 'client settings   -', 'current           yes', ''].join('\n'),
        stderr: `saved profile "local" in ${join(dir, 'profiles.json')}; it is the current profile\n`,
      });

      const remote = await kstream(['profile', 'create', 'remote', '-b', 'kafka1:9093,kafka2:9093', '-X', 'client.id=tool', '-X', 'sasl.password=hunter2', '--json']);
      expect(remote.code).toBe(0);
      expect(JSON.parse(remote.stdout) as ProfileCreateResult).toEqual({ name: 'remote', bootstrapServer: 'kafka1:9093,kafka2:9093', clientSettings: { 'client.id': 'tool', 'sasl.password': '********' }, current: false });
      // Stored in full, as profiles.ts documents.
      expect(readStore(dir)).toEqual(TWO_PROFILES);

      const list = await kstream(['profile', 'list']);
      expect(list).toEqual({
        code: 0,
        stdout: [
          'CURRENT  NAME    BOOTSTRAP-SERVER         CLIENT-SETTINGS',
          '*        local   127.0.0.1:9092           -',
          '         remote  kafka1:9093,kafka2:9093  client.id=tool,sasl.password=********',
          '',
        ].join('\n'),
        stderr: '',
      });
    });

    it('list --output yaml and --json', async () => {
      const { kstream } = seeded(TWO_PROFILES);
      const yaml = await kstream(['profile', 'list', '--output', 'yaml']);
      expect(yaml.stdout).toBe([
        'current: local',
        'profiles:',
        '  - name: local',
        '    bootstrapServer: "127.0.0.1:9092"',
        '    clientSettings: {}',
        '    current: true',
        '  - name: remote',
        '    bootstrapServer: "kafka1:9093,kafka2:9093"',
        '    clientSettings:',
        '      client.id: tool',
        '      sasl.password: "********"',
        '    current: false',
        '',
      ].join('\n'));
      const json = await kstream(['profile', 'list', '--json']);
      expect((JSON.parse(json.stdout) as ProfileListResult).profiles.map((p) => [p.name, p.current])).toEqual([['local', true], ['remote', false]]);
    });

    it('show, use and delete', async () => {
      const { dir, kstream } = seeded(TWO_PROFILES);
      const revealed = await kstream(['profile', 'show', 'remote', '--reveal', '--json']);
      expect(JSON.parse(revealed.stdout) as ProfileShowResult).toEqual({ name: 'remote', bootstrapServer: 'kafka1:9093,kafka2:9093', clientSettings: { 'client.id': 'tool', 'sasl.password': 'hunter2' }, current: false });

      const use = await kstream(['profile', 'use', 'remote']);
      expect(use).toEqual({ code: 0, stdout: '', stderr: 'current profile: remote (kafka1:9093,kafka2:9093)\n' });
      expect((readStore(dir) as { current: string }).current).toBe('remote');
      const shown = await kstream(['profile', 'show']);
      expect(shown.stdout).toBe(['name              remote', 'bootstrap server  kafka1:9093,kafka2:9093', 'client settings   client.id=tool,sasl.password=********', 'current           yes', ''].join('\n'));

      const del = await kstream(['profile', 'delete', 'remote', '--json']);
      expect(JSON.parse(del.stdout)).toEqual({ name: 'remote', wasCurrent: true });
      expect(del.stderr).toBe('');
      expect(readStore(dir)).toEqual({ current: null, profiles: { local: { bootstrapServer: '127.0.0.1:9092', clientSettings: {} } } });
    });

    it('errors: one line each, exit code 1 for a conflict and 2 for bad input', async () => {
      const { dir, kstream } = seeded({ current: null, profiles: { dev: { bootstrapServer: 'h:1', clientSettings: {} } } });
      expect(await kstream(['profile', 'create', 'dev', '-b', 'h:2'])).toEqual({ code: 1, stdout: '', stderr: 'error: profile "dev" already exists; use --force to replace it\n' });
      expect(await kstream(['profile', 'create', 'bad name', '-b', 'h:2'])).toEqual({ code: 2, stdout: '', stderr: 'error: invalid profile name "bad name"; use letters, digits, ".", "_" or "-"\n' });
      expect((await kstream(['profile', 'create', 'x', '-b', 'h:2', '-X', 'nope=1'])).stderr).toMatch(/^error: unknown client setting "nope"; known settings: client\.id, .*\n$/);
      expect(await kstream(['profile', 'use', 'prod'])).toEqual({ code: 2, stdout: '', stderr: 'error: no profile named "prod"; list them with kstream profile list\n' });
      expect(await kstream(['profile', 'show'])).toEqual({ code: 2, stdout: '', stderr: 'error: no current profile; name one, or choose one with kstream profile use NAME\n' });
      // Nothing was changed by the failures.
      expect(readStore(dir)).toEqual({ current: null, profiles: { dev: { bootstrapServer: 'h:1', clientSettings: {} } } });
    });
  });

  describe('where cluster commands connect: -b > $KSTREAM_BROKERS > profile > default', () => {
    let tb: TestBroker;
    let live: string;
    let dead: string;
    let store: { dir: string; kstream: (args: string[], env?: NodeJS.ProcessEnv) => Promise<RunResult> };

    beforeAll(async () => {
      tb = await startBroker();
      live = tb.bootstrap;
      dead = `127.0.0.1:${await closedPort()}`;
      const admin = platformaticAdmin(live);
      try {
        await admin.createTopics({ topics: ['precedence'], partitions: 1, replicas: 1 });
      } finally {
        await admin.close();
      }
      store = seeded({ current: 'live', profiles: { live: { bootstrapServer: live, clientSettings: {} }, dead: { bootstrapServer: dead, clientSettings: {} } } });
    });

    afterAll(async () => {
      await tb?.close();
    });

    const reachedLive = (r: RunResult): void => {
      expect(r).toEqual({ code: 0, stdout: 'NAME        PARTITIONS  REPLICAS\nprecedence  1           1\n', stderr: '' });
    };
    const reachedDead = (r: RunResult): void => {
      expect(r).toEqual({ code: 4, stdout: '', stderr: `error: cannot connect to ${dead} (ECONNREFUSED); is the broker running? check with 'kstream broker status'\n` });
    };

    it('the current profile is used when nothing else is given', async () => {
      reachedLive(await store.kstream(['topics', '--timeout', '5s']));
    });

    it('$KSTREAM_BROKERS beats the profile', async () => {
      reachedDead(await store.kstream(['topics', '--timeout', '5s'], { KSTREAM_BROKERS: dead }));
    });

    it('-b beats $KSTREAM_BROKERS', async () => {
      reachedLive(await store.kstream(['topics', '-b', live, '--timeout', '5s'], { KSTREAM_BROKERS: dead }));
    });

    it('--profile and $KSTREAM_PROFILE beat the current profile', async () => {
      reachedDead(await store.kstream(['topics', '--profile', 'dead', '--timeout', '5s']));
      reachedDead(await store.kstream(['topics', '--timeout', '5s'], { KSTREAM_PROFILE: 'dead' }));
    });

    it('without any, the default 127.0.0.1:9092', async () => {
      const { kstream } = configDir();
      const r = await kstream(['topics', '--timeout', '2s']);
      if (await accepts('127.0.0.1', 9092)) {
        // Something listens on the default port on this machine: it was at least tried.
        expect(r.stderr).not.toContain(dead);
        return;
      }
      expect(r).toEqual({ code: 4, stdout: '', stderr: "error: cannot connect to 127.0.0.1:9092 (ECONNREFUSED); is the broker running? check with 'kstream broker status'\n" });
    });
  });

  describe('shell completion (kstream autocomplete)', () => {
    it('prints setup instructions and a script without a terminal, and completes commands and flags in bash', async () => {
      const instructions = await run(['autocomplete', 'bash']);
      expect(instructions.code).toBe(0);
      expect(instructions.stdout).toContain('kstream autocomplete script bash');

      const script = await run(['autocomplete', 'script', 'bash']);
      expect(script.code).toBe(0);
      expect(script.stdout).toContain('KSTREAM_AC_BASH_SETUP_PATH=');

      const refreshed = await run(['autocomplete', '--refresh-cache']);
      expect(refreshed.code).toBe(0);
      const functions = join(tmp, 'cache', 'kstream', 'autocomplete', 'functions', 'bash', 'kstream.bash');
      const text = readFileSync(functions, 'utf8');
      expect(text).toMatch(/^topics:create .*--if-not-exists/m);
      expect(text).toMatch(/^profile:use /m);

      const bash = spawnSync('bash', ['-c', [
        `source ${JSON.stringify(functions)}`,
        'COMP_WORDS=(kstream topics al); COMP_CWORD=2; _kstream_autocomplete; echo "${COMPREPLY[*]}"',
        'COMP_WORDS=(kstream topics trim --before); COMP_CWORD=3; _kstream_autocomplete; echo "${COMPREPLY[*]}"',
        'COMP_WORDS=(kstream profile ""); COMP_CWORD=2; _kstream_autocomplete; echo "${COMPREPLY[*]}"',
      ].join('\n')], { encoding: 'utf8' });
      if (bash.error) return; // no bash on this machine: the script was checked above
      const [sub, flags, profileCommands] = bash.stdout.split('\n');
      expect(sub).toBe('alter-config');
      expect(flags.split(' ').sort()).toEqual(['--before-offset', '--before-time']);
      expect(profileCommands.split(' ').sort()).toEqual(['create', 'delete', 'list', 'ls', 'rm', 'show', 'use']);
    });
  });
});
