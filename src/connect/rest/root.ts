/** `GET /`: the worker's version, commit and the Kafka cluster id. */
import { ok } from './http.ts';
import type { Route } from './router.ts';

export const rootRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: '/',
    handler: ({ herder }) => {
      const info = herder.serverInfo();
      return ok({ version: info.version, commit: info.commit, kafka_cluster_id: info.kafka_cluster_id });
    },
  },
];
