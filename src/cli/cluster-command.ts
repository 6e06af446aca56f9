/**
 * The base of every command that talks to a Kafka cluster (kstream's broker or any other):
 * adds the connection flags (`-b/--bootstrap-server`, `-X key=value`, `--profile`), the
 * request `--timeout`, and `--output table|json|ndjson|yaml` (`--json` is the same as
 * `--output json`), and gives commands a resolved `connection` and `printResult`.
 */
import { Flags, type Command } from '@oclif/core';
import { BaseCommand } from './base-command.ts';
import { resolveConnection, type Connection } from './connection.ts';
import { timeoutFlag } from './flags.ts';
import { OUTPUT_FORMATS, formatResult, type OutputFormat } from './format.ts';
import { writeAndFlush } from './output.ts';

export abstract class ClusterCommand<T extends typeof Command> extends BaseCommand<T> {
  static override baseFlags = {
    ...BaseCommand.baseFlags,
    'bootstrap-server': Flags.string({
      char: 'b',
      description: 'Kafka broker(s), host:port[,host:port...] [default: $KSTREAM_BROKERS, the profile, or 127.0.0.1:9092]',
      helpValue: '<host:port>',
      helpGroup: 'CONNECTION',
    }),
    'client-setting': Flags.string({
      char: 'X',
      description: 'Client setting key=value (repeatable), e.g. -X client.id=my-tool',
      multiple: true,
      multipleNonGreedy: true,
      helpValue: '<key=value>',
      helpGroup: 'CONNECTION',
    }),
    profile: Flags.string({ description: 'Connection profile to use [default: $KSTREAM_PROFILE or the current profile]', helpGroup: 'CONNECTION' }),
    timeout: timeoutFlag({ description: 'How long to wait for the cluster', defaultMs: 30_000 }),
    output: Flags.option({ options: OUTPUT_FORMATS, description: 'Output format', default: 'table' as const, helpGroup: 'GLOBAL' })(),
  };

  #connection: Connection | undefined;

  /** Where to connect, resolved once from flags, environment and profiles. */
  protected get connection(): Connection {
    this.#connection ??= resolveConnection(this.flags as never);
    return this.#connection;
  }

  protected get timeoutMs(): number {
    return (this.flags as { timeout?: number }).timeout ?? 30_000;
  }

  /** The output format: `--json` wins, then `--output`. */
  protected get outputFormat(): OutputFormat {
    if (this.jsonEnabled()) return 'json';
    return ((this.flags as { output?: OutputFormat }).output ?? 'table') as OutputFormat;
  }

  /**
   * Prints a result: in table format with `renderTable`, in json/ndjson/yaml as data.
   * With `--json`, oclif prints the value `run()` returns, so nothing is printed here.
   * `listKey` names the list whose items ndjson prints one per line.
   */
  protected async printResult(result: unknown, renderTable: () => void | Promise<void>, listKey?: string): Promise<void> {
    if (this.jsonEnabled()) return;
    const format = this.outputFormat;
    if (format === 'table') await renderTable();
    else await writeAndFlush(process.stdout, formatResult(format, result, listKey));
  }
}
