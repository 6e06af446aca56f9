/**
 * The base of commands that work on local state only (no cluster), such as `profile`:
 * BaseCommand with `--output table|json|ndjson|yaml` (`--json` is the same as `--output json`)
 * and `printResult`, as ClusterCommand has them.
 */
import { Flags, type Command } from '@oclif/core';
import { BaseCommand } from './base-command.ts';
import { OUTPUT_FORMATS, formatResult, type OutputFormat } from './format.ts';
import { writeAndFlush } from './output.ts';

export abstract class LocalCommand<T extends typeof Command> extends BaseCommand<T> {
  static override baseFlags = {
    ...BaseCommand.baseFlags,
    output: Flags.option({ options: OUTPUT_FORMATS, description: 'Output format', default: 'table' as const, helpGroup: 'GLOBAL' })(),
  };

  /** The output format: `--json` wins, then `--output`. */
  protected get outputFormat(): OutputFormat {
    if (this.jsonEnabled()) return 'json';
    return ((this.flags as { output?: OutputFormat }).output ?? 'table') as OutputFormat;
  }

  /** Prints a result: in table format with `renderTable`, in json/ndjson/yaml as data (nothing with `--json`: oclif prints what `run()` returns). */
  protected async printResult(result: unknown, renderTable: () => void | Promise<void>, listKey?: string): Promise<void> {
    if (this.jsonEnabled()) return;
    const format = this.outputFormat;
    if (format === 'table') await renderTable();
    else await writeAndFlush(process.stdout, formatResult(format, result, listKey));
  }
}
