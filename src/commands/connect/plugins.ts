import { Flags } from '@oclif/core';
import { ConnectCommand } from '../../admin/connect-client.ts';
import type { PluginInfo } from '../../connect/herder.ts';

/** `kstream connect plugins --json`: `{ "plugins": [{ "class", "type", "version" }] }` as GET /connector-plugins answers. */
export interface ConnectPluginsResult {
  plugins: PluginInfo[];
}

export default class ConnectPlugins extends ConnectCommand<typeof ConnectPlugins> {
  static override summary = 'list the installed connector plugins';
  static override description = 'GET /connector-plugins: source and sink connectors; --all adds converters, transformations and predicates.';
  static override examples = ['<%= config.bin %> connect plugins', '<%= config.bin %> connect plugins --all --output ndjson'];
  static override flags = {
    all: Flags.boolean({ description: 'Include converters, transformations and predicates (connectorsOnly=false)' }),
  };

  async run(): Promise<ConnectPluginsResult> {
    const plugins = await this.client.plugins(!this.flags.all);
    const result = { plugins };
    await this.printResult(result, () => {
      this.out.table(['class', 'type', 'version'], plugins.map((p) => [p.class, p.type, p.version ?? '']));
    }, 'plugins');
    return result;
  }
}
