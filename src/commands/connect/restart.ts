import { Args, Flags } from '@oclif/core';
import { ConnectCommand, traceSummary } from '../../admin/connect-client.ts';
import type { ConnectorStateInfo } from '../../connect/herder.ts';

/**
 * `kstream connect restart NAME --json`: `{ "connector", "task"?, "status"? }`; `status` is
 * the states the worker answered (with --include-tasks or --only-failed, as Connect's 202).
 */
export interface ConnectRestartResult {
  connector: string;
  task?: number;
  status?: ConnectorStateInfo;
}

export default class ConnectRestart extends ConnectCommand<typeof ConnectRestart> {
  static override summary = 'restart a connector, its tasks, or one task';
  static override description = [
    'POST /connectors/NAME/restart: by default restarts the connector instance only. --include-tasks restarts its tasks too; --only-failed restricts the restart to instances that are FAILED.',
    '--task N restarts task N only (POST /connectors/NAME/tasks/N/restart).',
  ].join('\n\n');
  static override examples = [
    '<%= config.bin %> connect restart file-sink',
    '<%= config.bin %> connect restart file-sink --include-tasks --only-failed',
    '<%= config.bin %> connect restart file-sink --task 0',
  ];
  static override args = {
    name: Args.string({ description: 'Connector name', required: true }),
  };
  static override flags = {
    'include-tasks': Flags.boolean({ description: 'Restart the tasks as well', exclusive: ['task'] }),
    'only-failed': Flags.boolean({ description: 'Restart only the instances that are FAILED', exclusive: ['task'] }),
    task: Flags.integer({ description: 'Restart only this task', min: 0, helpValue: '<id>' }),
  };

  async run(): Promise<ConnectRestartResult> {
    const name = this.args.name;
    if (this.flags.task !== undefined) {
      await this.client.restartTask(name, this.flags.task);
      this.out.message(`restarted task ${this.flags.task} of connector ${JSON.stringify(name)}`);
      const result: ConnectRestartResult = { connector: name, task: this.flags.task };
      if (this.outputFormat !== 'table') await this.printResult(result, () => {});
      return result;
    }
    const status = await this.client.restart(name, { includeTasks: this.flags['include-tasks'], onlyFailed: this.flags['only-failed'] });
    const result: ConnectRestartResult = { connector: name, ...(status ? { status } : {}) };
    this.out.message(`restart of connector ${JSON.stringify(name)} requested${this.flags['include-tasks'] ? ' (with its tasks)' : ''}${this.flags['only-failed'] ? ' (failed instances only)' : ''}`);
    await this.printResult(result, () => {
      if (!status) return;
      this.out.table(
        ['instance', 'state', 'worker', 'trace'],
        [[name, status.connector.state, status.connector.worker_id, traceSummary(status.connector.trace)], ...status.tasks.map((t) => [`task ${t.id}`, t.state, t.worker_id, traceSummary(t.trace)])],
      );
    });
    return result;
  }
}
