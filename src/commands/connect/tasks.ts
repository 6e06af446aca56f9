import { Args } from '@oclif/core';
import { ConnectCommand } from '../../admin/connect-client.ts';
import type { TaskInfo } from '../../connect/herder.ts';

/** `kstream connect tasks NAME --json`: `{ "tasks": [{ "id": {connector, task}, "config": {...} }] }` (GET /connectors/NAME/tasks). */
export interface ConnectTasksResult {
  tasks: TaskInfo[];
}

export default class ConnectTasks extends ConnectCommand<typeof ConnectTasks> {
  static override summary = 'show the task configurations of a connector';
  static override description = 'GET /connectors/NAME/tasks: the configuration the connector generated for each task. For their states use kstream connect status NAME.';
  static override examples = ['<%= config.bin %> connect tasks file-sink', '<%= config.bin %> connect tasks file-sink --output yaml'];
  static override args = {
    name: Args.string({ description: 'Connector name', required: true }),
  };

  async run(): Promise<ConnectTasksResult> {
    const tasks = await this.client.tasks(this.args.name);
    const result = { tasks };
    await this.printResult(result, () => {
      const rows: string[][] = [];
      for (const t of tasks) for (const key of Object.keys(t.config).sort()) rows.push([String(t.id.task), key, t.config[key]]);
      this.out.table(['task', 'key', 'value'], rows);
    }, 'tasks');
    return result;
  }
}
