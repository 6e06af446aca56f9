import { Args, Flags } from '@oclif/core';
import { AdminCommand } from '../../cli/admin-command.ts';
import { kafkaHints } from '../../cli/kafka-hints.ts';
import { parseConfigKeys, parseConfigPairs, planConfigChanges, type AlterMode, type ConfigChange } from '../../admin/configs.ts';
import { alterTopicConfig } from '../../admin/topics.ts';

/**
 * `kstream topics alter-config --json`: `{ "topic", "mode": "incremental"|"replace", "dryRun",
 * "changes": [{ "name", "operation": "set"|"delete", "value"? }] }` (`value` only for `set`).
 * In replace mode `changes` is the complete new set of overrides.
 */
export interface TopicsAlterConfigResult {
  topic: string;
  mode: AlterMode;
  dryRun: boolean;
  changes: ConfigChange[];
}

export default class TopicsAlterConfig extends AdminCommand<typeof TopicsAlterConfig> {
  static override summary = 'change the configuration of a topic';
  static override description = [
    'By default the changes are applied one by one with IncrementalAlterConfigs: --set overrides a key, --delete removes an override (the key goes back to its default), and other overrides stay.',
    'With --replace the topic\'s overrides become exactly the --set pairs (AlterConfigs): every override not given is removed. --replace without --set removes all overrides.',
  ].join('\n\n');
  static override examples = [
    '<%= config.bin %> topics alter-config orders --set retention.ms=3600000',
    '<%= config.bin %> topics alter-config orders --set cleanup.policy=compact --delete retention.ms',
    '<%= config.bin %> topics alter-config orders --replace --set retention.ms=86400000',
    '<%= config.bin %> topics alter-config orders --set max.message.bytes=2097152 --dry-run',
  ];
  static override args = {
    name: Args.string({ description: 'Topic name', required: true }),
  };
  static override flags = {
    set: Flags.string({ description: 'Set a configuration key (repeatable), e.g. --set retention.ms=3600000', multiple: true, multipleNonGreedy: true, helpValue: '<key=value>' }),
    delete: Flags.string({ description: 'Remove the override of a key (repeatable), e.g. --delete retention.ms', multiple: true, multipleNonGreedy: true, helpValue: '<key>' }),
    incremental: Flags.boolean({ description: 'Change only the given keys (IncrementalAlterConfigs) [default]', exclusive: ['replace'] }),
    replace: Flags.boolean({ description: 'Replace all overrides with the --set pairs (AlterConfigs)', exclusive: ['incremental'] }),
    'dry-run': Flags.boolean({ description: 'Ask the cluster to validate the change without applying it' }),
  };

  async run(): Promise<TopicsAlterConfigResult> {
    const { flags } = this;
    const mode: AlterMode = flags.replace ? 'replace' : 'incremental';
    const changes = planConfigChanges(parseConfigPairs(flags.set, '--set'), parseConfigKeys(flags.delete, '--delete'), mode);
    const topic = this.args.name;
    const dryRun = flags['dry-run'] === true;
    await kafkaHints(alterTopicConfig(this.target, topic, changes, { mode, validateOnly: dryRun }));
    const result: TopicsAlterConfigResult = { topic, mode, dryRun, changes };
    await this.printResult(result, () => {
      if (changes.length > 0) this.out.table(['config', 'operation', 'value'], changes.map((c) => [c.name, c.operation, c.operation === 'set' ? c.value : '']));
      if (mode === 'replace') this.out.message(changes.length === 0 ? `removed every override of topic ${JSON.stringify(topic)}` : `other overrides of topic ${JSON.stringify(topic)} were removed`);
    }, 'changes');
    if (dryRun) this.out.message('dry run: nothing was changed');
    return result;
  }
}
