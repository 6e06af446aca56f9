import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Errors } from '@oclif/core';
import { ConfigError } from '../broker/config.ts';
import { KafkaProtocolError } from '../protocol/errors.ts';
import { KstreamError } from '../util/errors.ts';
import { connectHost, formatAddress, isBrokerAlive, isProcessAlive, processStartTime, readPidFile, removePidFile, writePidFile } from './broker-process.ts';
import { CliError, oneLine, reportError } from './errors.ts';
import { ExitCode, exitCodeFor, exitCodeName } from './exit-codes.ts';
import { parseBootstrapServers, parseDuration, parseKeyValuePairs } from './flags.ts';
import { Output, colorEnabled, formatDuration, plainColumns } from './output.ts';
import { dataDirArg, logFilePath, pidFilePath, resolveDataDir, shellQuote } from './paths.ts';

const tmp = mkdtempSync(join(tmpdir(), 'kstream-cli-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function errno(code: string): NodeJS.ErrnoException {
  const err = new Error(code) as NodeJS.ErrnoException;
  err.code = code;
  return err;
}

function withProps(message: string, props: Record<string, unknown>): Error {
  return Object.assign(new Error(message), props);
}

describe('exitCodeFor', () => {
  it.each<[string, unknown, number]>([
    ['plain Error', new Error('x'), ExitCode.UNEXPECTED],
    ['a string', 'x', ExitCode.UNEXPECTED],
    ['CliError default', new CliError('x'), ExitCode.UNEXPECTED],
    ['CliError explicit', new CliError('x', { exitCode: ExitCode.UNREACHABLE }), ExitCode.UNREACHABLE],
    ['CliError inherits its cause', new CliError('x', { cause: errno('ECONNREFUSED') }), ExitCode.UNREACHABLE],
    ['ConfigError', new ConfigError('CONFIG_INVALID', 'bad'), ExitCode.USAGE],
    ['ConfigError file', new ConfigError('CONFIG_FILE', 'bad'), ExitCode.USAGE],
    ['KafkaProtocolError', new KafkaProtocolError(3), ExitCode.KAFKA_ERROR],
    ['other KstreamError', new KstreamError('PROTOCOL_DECODE', 'x'), ExitCode.UNEXPECTED],
    ['ECONNREFUSED', errno('ECONNREFUSED'), ExitCode.UNREACHABLE],
    ['ETIMEDOUT', errno('ETIMEDOUT'), ExitCode.UNREACHABLE],
    ['ENOTFOUND', errno('ENOTFOUND'), ExitCode.UNREACHABLE],
    ['EACCES', errno('EACCES'), ExitCode.UNEXPECTED],
    ['platformatic network', withProps('x', { code: 'PLT_KFK_NETWORK' }), ExitCode.UNREACHABLE],
    ['platformatic timeout', withProps('x', { code: 'PLT_KFK_TIMEOUT' }), ExitCode.UNREACHABLE],
    ['platformatic protocol', withProps('x', { code: 'PLT_KFK_PROTOCOL', apiCode: 36 }), ExitCode.KAFKA_ERROR],
    ['platformatic response', withProps('x', { code: 'PLT_KFK_RESPONSE' }), ExitCode.KAFKA_ERROR],
    ['platformatic user error', withProps('x', { code: 'PLT_KFK_USER' }), ExitCode.USAGE],
    ['aggregate of network errors', Object.assign(new AggregateError([withProps('a', { code: 'PLT_KFK_NETWORK' })], 'failed 3 times'), { code: 'PLT_KFK_MULTIPLE' }), ExitCode.UNREACHABLE],
    ['cause chain', new Error('outer', { cause: new Error('mid', { cause: errno('ECONNRESET') }) }), ExitCode.UNREACHABLE],
    ['AbortError', withProps('aborted', { name: 'AbortError' }), ExitCode.INTERRUPTED],
    ['oclif parse error (exit 2)', new Errors.CLIError('Nonexistent flag: --x', { exit: 2 }), ExitCode.USAGE],
    ['oclif error with another exit', new Errors.CLIError('x', { exit: 7 }), ExitCode.UNEXPECTED],
  ])('%s', (_name, err, code) => {
    expect(exitCodeFor(err)).toBe(code);
  });

  it('names codes', () => {
    expect(exitCodeName(4)).toBe('UNREACHABLE');
    expect(exitCodeName(130)).toBe('INTERRUPTED');
    expect(exitCodeName(99)).toBe('UNEXPECTED');
  });
});

describe('reportError', () => {
  it.each<[string, unknown, { code: string; message: string; hint: string | null; exitCode: number }]>([
    ['CliError with hint', new CliError('broker is not running', { hint: 'start it', exitCode: ExitCode.UNREACHABLE, code: 'BROKER_NOT_RUNNING' }),
      { code: 'BROKER_NOT_RUNNING', message: 'broker is not running', hint: 'start it', exitCode: 4 }],
    ['cause appended', new CliError('cannot create data directory /x', { cause: errno('EACCES') }),
      { code: 'CLI_ERROR', message: 'cannot create data directory /x: EACCES', hint: null, exitCode: 1 }],
    ['cause hidden', new CliError('port in use', { cause: errno('EADDRINUSE'), showCause: false }),
      { code: 'CLI_ERROR', message: 'port in use', hint: null, exitCode: 1 }],
    ['ConfigError', new ConfigError('CONFIG_INVALID', 'Invalid value "x" for configuration num.partitions: expected INT'),
      { code: 'CONFIG_INVALID', message: 'Invalid value "x" for configuration num.partitions: expected INT', hint: null, exitCode: 2 }],
    ['network errno gets the default hint', errno('ECONNREFUSED'),
      { code: 'ECONNREFUSED', message: 'ECONNREFUSED', hint: "is the broker running? check with 'kstream broker status'", exitCode: 4 }],
    ['oclif parse error', new Errors.CLIError('Nonexistent flag: --x\nSee more help with --help', { exit: 2 }),
      { code: 'USAGE', message: 'Nonexistent flag: --x', hint: "see 'kstream broker status --help'", exitCode: 2 }],
    ['multi-line message', new Error('first\n  second'),
      { code: 'UNEXPECTED', message: 'first; second', hint: null, exitCode: 1 }],
    ['aggregate', new AggregateError([new Error('a'), new Error('connect ECONNREFUSED')], 'Listing topics failed.'),
      { code: 'UNEXPECTED', message: 'Listing topics failed. (connect ECONNREFUSED)', hint: null, exitCode: 1 }],
  ])('%s', (_name, err, expected) => {
    expect(reportError(err, 'broker:status')).toEqual(expected);
  });

  it('oneLine strips ANSI and joins lines', () => {
    expect(oneLine('\u001b[2mThe\u001b[22m\n\n  thing \n')).toBe('The; thing');
  });
});

describe('flags', () => {
  it.each<[string, number]>([
    ['500ms', 500], ['30s', 30_000], ['2m', 120_000], ['1h', 3_600_000], ['1.5s', 1500], ['10', 10_000], [' 3 s ', 3000],
  ])('parseDuration(%j) = %d', (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  it.each(['', 'abc', '-1s', '5d', '1e3'])('parseDuration rejects %j', (input) => {
    expect(() => parseDuration(input)).toThrow(/expected a duration/);
  });

  it.each<[string, Array<{ host: string; port: number }>]>([
    ['localhost:9092', [{ host: 'localhost', port: 9092 }]],
    ['a:1, b:2', [{ host: 'a', port: 1 }, { host: 'b', port: 2 }]],
    ['[::1]:9092', [{ host: '::1', port: 9092 }]],
  ])('parseBootstrapServers(%j)', (input, expected) => {
    expect(parseBootstrapServers(input)).toEqual(expected);
  });

  it.each(['localhost', 'host:0', 'host:70000', '::1:9092', ''])('parseBootstrapServers rejects %j as usage', (input) => {
    let caught: unknown;
    try { parseBootstrapServers(input); } catch (err) { caught = err; }
    expect(exitCodeFor(caught)).toBe(ExitCode.USAGE);
  });

  it('parseKeyValuePairs', () => {
    expect(parseKeyValuePairs(['a=1', 'b = x=y', 'c=', 'a=2'])).toEqual({ a: '2', b: ' x=y', c: '' });
    expect(parseKeyValuePairs(undefined)).toEqual({});
    for (const bad of ['novalue', '=1', ' =1']) {
      expect(() => parseKeyValuePairs([bad])).toThrow(/expected key=value/);
    }
  });
});

describe('output', () => {
  function sink(isTTY: boolean) {
    let text = '';
    return { stream: { isTTY, write: (chunk: string) => { text += chunk; return true; } }, text: () => text };
  }

  it.each<[boolean, NodeJS.ProcessEnv, boolean]>([
    [true, {}, true],
    [false, {}, false],
    [true, { NO_COLOR: '1' }, false],
    [true, { NO_COLOR: '' }, false],
  ])('colorEnabled(tty=%s, %j) = %s', (isTTY, env, expected) => {
    expect(colorEnabled({ isTTY, write: () => true }, env)).toBe(expected);
  });

  it('plain tables are aligned columns without trailing spaces', () => {
    expect(plainColumns([['NAME', 'PARTITIONS'], ['orders', '3'], ['a', '10']])).toBe('NAME    PARTITIONS\norders  3\na       10');
  });

  it('writes data to stdout and messages to stderr, uncolored when not a TTY', () => {
    const out = sink(false);
    const err = sink(false);
    const o = new Output({ stdout: out.stream, stderr: err.stream, env: {} });
    o.keyValue([['reachable', 'yes'], ['pid', '12']]);
    o.table(['topic', 'partitions'], [['orders', '3']]);
    o.json({ n: 1n });
    o.message('hello');
    o.warning('careful');
    expect(out.text()).toBe('reachable  yes\npid        12\nTOPIC   PARTITIONS\norders  3\n{\n  "n": "1"\n}\n');
    expect(err.text()).toBe('hello\nwarning: careful\n');
  });

  it('draws tables on a TTY', () => {
    const out = sink(true);
    new Output({ stdout: out.stream, stderr: sink(true).stream, env: { NO_COLOR: '1' } }).table(['topic'], [['orders']]);
    expect(out.text()).toContain('┌');
    expect(out.text()).toContain('orders');
  });

  it.each<[number, string]>([[250, '250ms'], [12_000, '12s'], [90_000, '1m 30s'], [7_500_000, '2h 5m'], [3 * 86_400_000 + 4 * 3_600_000, '3d 4h']])(
    'formatDuration(%d) = %s', (ms, text) => {
      expect(formatDuration(ms)).toBe(text);
    },
  );
});

describe('paths', () => {
  it('resolves data dirs and files', () => {
    expect(resolveDataDir('/x/y')).toBe('/x/y');
    expect(resolveDataDir(undefined, { HOME: '/h' })).toBe('/h/.local/share/kstream');
    expect(resolveDataDir(undefined, { KSTREAM_DATA_DIR: '/k', HOME: '/h' })).toBe('/k');
    expect(pidFilePath('/d')).toBe('/d/broker.pid');
    expect(logFilePath('/d')).toBe('/d/broker.log');
  });

  it('mentions --data-dir only when it is not the default', () => {
    expect(dataDirArg('/h/.local/share/kstream', { HOME: '/h' })).toBe('');
    expect(dataDirArg('/data/ks', { HOME: '/h' })).toBe(' --data-dir /data/ks');
    expect(shellQuote("it's here")).toBe("'it'\\''s here'");
  });
});

describe('broker process helpers', () => {
  it('writes, reads and removes the pid file', async () => {
    const dir = join(tmp, 'pid');
    await import('node:fs/promises').then((fs) => fs.mkdir(dir, { recursive: true }));
    expect(await readPidFile(dir)).toEqual({ state: 'missing', path: pidFilePath(dir) });
    const info = { pid: process.pid, host: '127.0.0.1', port: 9092, dataDir: dir, startedAt: new Date().toISOString() };
    await writePidFile(dir, info, { exclusive: true });
    expect(await readPidFile(dir)).toEqual({ state: 'present', path: pidFilePath(dir), info });
    // Another live process may not take over the pid file.
    await expect(writePidFile(dir, { ...info, pid: process.pid + 1 }, { exclusive: true })).rejects.toMatchObject({ code: 'EEXIST' });
    // Removal guarded by pid.
    expect(await removePidFile(dir, process.pid + 1)).toBe(false);
    expect(await removePidFile(dir, process.pid)).toBe(true);
    expect((await readPidFile(dir)).state).toBe('missing');
  });

  it('reports an unreadable pid file', async () => {
    const dir = join(tmp, 'badpid');
    await import('node:fs/promises').then((fs) => fs.mkdir(dir, { recursive: true }));
    writeFileSync(pidFilePath(dir), 'garbage');
    expect(await readPidFile(dir)).toMatchObject({ state: 'invalid', reason: 'not JSON' });
    writeFileSync(pidFilePath(dir), '{"pid":"x"}');
    expect(await readPidFile(dir)).toMatchObject({ state: 'invalid', reason: 'unexpected content' });
  });

  it('checks liveness and formats addresses', () => {
    expect(isProcessAlive(process.pid)).toBe(true);
    expect(isProcessAlive(2 ** 22 + 12345)).toBe(false);
    expect(connectHost('0.0.0.0')).toBe('127.0.0.1');
    expect(connectHost('::')).toBe('::1');
    expect(connectHost('example')).toBe('example');
    expect(formatAddress('::1', 9092)).toBe('[::1]:9092');
    expect(formatAddress('127.0.0.1', 9092)).toBe('127.0.0.1:9092');
  });
});

describe('pid reuse', () => {
  it('a live process that started after the pid file was written is not the broker', () => {
    const long = new Date(Date.now() - 3_600_000).toISOString();
    const now = new Date(Date.now() + 1000).toISOString();
    // This test process started before `now` but (on Linux) after an hour ago.
    expect(isBrokerAlive({ pid: process.pid, startedAt: now })).toBe(true);
    if (process.platform === 'linux' && process.uptime() < 3_000) {
      expect(isBrokerAlive({ pid: process.pid, startedAt: long })).toBe(false);
    }
    expect(isBrokerAlive({ pid: 2 ** 22 + 12345, startedAt: now })).toBe(false);
  });

  it('knows when this process started (Linux)', () => {
    const started = processStartTime(process.pid);
    if (process.platform !== 'linux') return expect(started).toBeNull();
    expect(started).not.toBeNull();
    expect(Math.abs(started! - (Date.now() - process.uptime() * 1000))).toBeLessThan(3_000);
  });
});
