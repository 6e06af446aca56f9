/** `/connectors/{name}/tasks[/{task}/status|/{task}/restart]`. */
import { noContent, ok, taskIdParam } from './http.ts';
import type { Route } from './router.ts';

export const taskRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: '/connectors/{name}/tasks',
    handler: ({ herder, params }) => ok(herder.taskConfigs(params.name)),
  },
  {
    method: 'GET',
    path: '/connectors/{name}/tasks/{task}/status',
    handler: ({ herder, params }) => ok(herder.taskStatus(params.name, taskIdParam(params.task))),
  },
  {
    method: 'POST',
    path: '/connectors/{name}/tasks/{task}/restart',
    handler: async ({ herder, params }) => {
      await herder.restartTask(params.name, taskIdParam(params.task));
      return noContent();
    },
  },
];
