/**
 * The base of every kstream command.
 *
 * - `--json` (oclif's `enableJsonFlag`): the value `run()` returns is printed to stdout as JSON;
 *   human text is not printed. Commands return plain objects (bigints are printed as strings).
 * - `--debug`: error stack traces (with causes) on stderr; debug-level logs.
 * - `--log-format text|json`: format of log lines on stderr (see `this.logger`).
 * - Errors: `catch()` is the one place errors are printed. Commands throw (`CliError` with a
 *   hint and exit code, or any error) and never print errors themselves. Without `--json` the
 *   output is a single stderr line `error: <message>; <hint>`; with `--json` it is
 *   `{"error":{"code","message","hint","exitCode"}}` on stdout — stdout, because a `--json`
 *   caller parses stdout and must get a document either way — and the exit code is still
 *   non-zero (see `exit-codes.ts`), so scripts can test `$?` without parsing.
 *
 * Commands read their parsed input from `this.flags` / `this.args`, typed from their static
 * `flags` / `args`:
 *
 *   export default class Hello extends BaseCommand<typeof Hello> {
 *     static override flags = { name: Flags.string() };
 *     async run() { return { hello: this.flags.name }; }
 *   }
 */
import { inspect } from 'node:util';
import { Command, Errors, Flags, type Interfaces } from '@oclif/core';
import { createLogger, type LogLevel, type Logger } from '../util/logger.ts';
import { reportError } from './errors.ts';
import { ExitCode } from './exit-codes.ts';
import { logFormatFlag } from './flags.ts';
import { Output, chalkFor, toJson, writeAndFlush } from './output.ts';

export type CommandFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>;
export type CommandArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>;

export abstract class BaseCommand<T extends typeof Command> extends Command {
  static override enableJsonFlag = true;

  static override baseFlags = {
    debug: Flags.boolean({ description: 'Show stack traces of errors and debug logs', helpGroup: 'GLOBAL' }),
    'log-format': logFormatFlag({ helpGroup: 'GLOBAL' }),
  };

  protected flags!: CommandFlags<T>;
  protected args!: CommandArgs<T>;
  #out: Output | undefined;

  /** stdout for data, stderr for messages, with TTY-aware colors and tables. */
  protected get out(): Output {
    this.#out ??= new Output();
    return this.#out;
  }

  override async init(): Promise<void> {
    await super.init();
    const ctor = this.ctor as typeof BaseCommand;
    const { flags, args } = await this.parse({
      flags: ctor.flags,
      baseFlags: ctor.baseFlags,
      enableJsonFlag: ctor.enableJsonFlag,
      args: ctor.args,
      strict: ctor.strict,
    });
    this.flags = flags as CommandFlags<T>;
    this.args = args as CommandArgs<T>;
  }

  /** True with `--debug` (also when flag parsing failed but `--debug` was on the command line). */
  protected get debugEnabled(): boolean {
    const flags = this.flags as { debug?: boolean } | undefined;
    return flags?.debug ?? this.argv.includes('--debug');
  }

  /** A logger on stderr in the `--log-format` format; level `debug` with `--debug`, else `level`. */
  protected createLogger(level: LogLevel = 'info'): Logger {
    const flags = this.flags as { 'log-format'?: 'text' | 'json' } | undefined;
    return createLogger({ format: flags?.['log-format'] ?? 'text', level: this.debugEnabled ? 'debug' : level, stream: process.stderr });
  }

  /** Prints `value` as the `--json` document now and exits with `code` (for results that are not success). */
  protected async exitWithJson(value: unknown, code: number): Promise<never> {
    await writeAndFlush(process.stdout, toJson(value) + '\n');
    this.exit(code);
  }

  protected override toSuccessJson(result: unknown): unknown {
    // oclif's JSON printer cannot serialise bigints.
    return JSON.parse(toJson(result ?? null)) as unknown;
  }

  protected override async catch(err: Interfaces.CommandError): Promise<never> {
    // `this.exit(n)` throws ExitError: not an error to report.
    if (err instanceof Errors.ExitError) throw err;
    const report = reportError(err, this.id);
    const exitCode = report.exitCode === ExitCode.OK ? ExitCode.UNEXPECTED : report.exitCode;
    if (this.jsonEnabled()) {
      await writeAndFlush(process.stdout, toJson({ error: { code: report.code, message: report.message, hint: report.hint, exitCode } }) + '\n');
    } else {
      const color = chalkFor(process.stderr);
      await writeAndFlush(process.stderr, `${color.red('error:')} ${report.message}${report.hint ? `; ${report.hint}` : ''}\n`);
    }
    if (this.debugEnabled) await writeAndFlush(process.stderr, inspect(err, { depth: 6 }) + '\n');
    throw new Errors.ExitError(exitCode);
  }
}
