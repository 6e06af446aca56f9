/**
 * `/connectors` and `/connectors/{name}[/config|/status|/restart|/pause|/resume|/stop]`:
 * listing, creating, reading, reconfiguring, deleting and controlling connectors, with Kafka
 * Connect's status codes (201/200 for create vs update, 204/202 for restart, 202 for
 * pause/resume, 204 for stop and delete).
 */
import { ConnectRestError, type ConnectorInfo, type ConnectorStateInfo, type Herder } from '../herder.ts';
import { badRequest, booleanParam, configMap, noContent, ok, requireObjectBody, type RestResponse } from './http.ts';
import type { Route } from './router.ts';

const INITIAL_STATES = ['RUNNING', 'PAUSED', 'STOPPED'] as const;
type InitialState = (typeof INITIAL_STATES)[number];

function location(baseUrl: string, name: string): string {
  return `${baseUrl}/connectors/${encodeURIComponent(name)}`;
}

/** Connect's rule: a `name` in the config must be the connector's name; a missing one is added. */
function withConnectorName(name: string, config: Record<string, string>): Record<string, string> {
  const inConfig = config.name;
  if (inConfig !== undefined && inConfig.trim() !== name) {
    throw badRequest(`Connector name configuration (${inConfig}) doesn't match connector name in the URL (${name})`);
  }
  return { ...config, name };
}

function isNotFound(err: unknown): boolean {
  return err instanceof ConnectRestError && err.status === 404;
}

/** `GET /connectors?expand=status&expand=info`: `{name: {status?, info?}}` (unknown expansions are ignored, as in Connect). */
function expandedConnectors(herder: Herder, expand: readonly string[]): Record<string, { status?: ConnectorStateInfo; info?: ConnectorInfo }> {
  const out: Record<string, { status?: ConnectorStateInfo; info?: ConnectorInfo }> = {};
  for (const name of herder.connectors()) {
    const entry: { status?: ConnectorStateInfo; info?: ConnectorInfo } = {};
    try {
      if (expand.includes('status')) entry.status = herder.connectorStatus(name);
      if (expand.includes('info')) entry.info = herder.connectorInfo(name);
    } catch (err) {
      // Deleted between listing and reading: leave it out.
      if (isNotFound(err)) continue;
      throw err;
    }
    out[name] = entry;
  }
  return out;
}

async function createConnector(herder: Herder, body: unknown, baseUrl: string): Promise<RestResponse> {
  const request = requireObjectBody(body, 'a JSON object {"name": ..., "config": {...}}');
  if (typeof request.name !== 'string' || request.name.trim() === '') {
    throw badRequest('Connector name is missing: the request body needs "name" (a non-empty string) and "config"');
  }
  const name = request.name.trim();
  const config = withConnectorName(name, configMap(request.config, 'Connector config'));
  let initialState: InitialState = 'RUNNING';
  if (request.initial_state !== undefined && request.initial_state !== null) {
    const state = String(request.initial_state).toUpperCase();
    if (!(INITIAL_STATES as readonly string[]).includes(state)) {
      throw badRequest(`Invalid initial state ${String(request.initial_state)}, must be one of ${INITIAL_STATES.join(', ')}`);
    }
    initialState = state as InitialState;
  }
  const { info } = await herder.putConnectorConfig(name, config, false);
  // The Herder has no initial-state parameter: the state is applied right after the creation.
  if (initialState === 'PAUSED') await herder.pauseConnector(name);
  else if (initialState === 'STOPPED') await herder.stopConnector(name);
  return { status: 201, body: info, headers: { location: location(baseUrl, name) } };
}

export const connectorRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: '/connectors',
    handler: ({ herder, query }) => {
      const expand = query.getAll('expand').map((e) => e.trim().toLowerCase());
      if (expand.length === 0) return ok(herder.connectors());
      return ok(expandedConnectors(herder, expand));
    },
  },
  {
    method: 'POST',
    path: '/connectors',
    handler: ({ herder, body, baseUrl }) => createConnector(herder, body, baseUrl),
  },
  {
    method: 'GET',
    path: '/connectors/{name}',
    handler: ({ herder, params }) => ok(herder.connectorInfo(params.name)),
  },
  {
    method: 'DELETE',
    path: '/connectors/{name}',
    handler: async ({ herder, params }) => {
      await herder.deleteConnector(params.name);
      return noContent();
    },
  },
  {
    method: 'GET',
    path: '/connectors/{name}/config',
    handler: ({ herder, params }) => ok(herder.connectorConfig(params.name)),
  },
  {
    method: 'PUT',
    path: '/connectors/{name}/config',
    handler: async ({ herder, params, body, baseUrl }) => {
      const config = withConnectorName(params.name, configMap(body, 'Connector config'));
      const { created, info } = await herder.putConnectorConfig(params.name, config, true);
      if (created) return { status: 201, body: info, headers: { location: location(baseUrl, params.name) } };
      return ok(info);
    },
  },
  {
    method: 'PATCH',
    path: '/connectors/{name}/config',
    handler: async ({ herder, params, body }) => {
      const patch = configMap(body, 'Connector config patch', true);
      if ('name' in patch && patch.name !== params.name) {
        throw badRequest(`Connector name configuration (${String(patch.name)}) in the patch doesn't match connector name in the URL (${params.name})`);
      }
      return ok(await herder.patchConnectorConfig(params.name, patch));
    },
  },
  {
    method: 'GET',
    path: '/connectors/{name}/status',
    handler: ({ herder, params }) => ok(herder.connectorStatus(params.name)),
  },
  {
    method: 'POST',
    path: '/connectors/{name}/restart',
    handler: async ({ herder, params, query }) => {
      const includeTasks = booleanParam(query, 'includeTasks', false);
      const onlyFailed = booleanParam(query, 'onlyFailed', false);
      const state = await herder.restartConnector(params.name, { includeTasks, onlyFailed });
      // As Connect: the plain restart (both false) is 204; any other is 202 with the states after the restart was requested.
      if (!includeTasks && !onlyFailed) return noContent();
      return { status: 202, body: state ?? herder.connectorStatus(params.name) };
    },
  },
  {
    method: 'PUT',
    path: '/connectors/{name}/pause',
    handler: async ({ herder, params }) => {
      await herder.pauseConnector(params.name);
      return { status: 202 };
    },
  },
  {
    method: 'PUT',
    path: '/connectors/{name}/resume',
    handler: async ({ herder, params }) => {
      await herder.resumeConnector(params.name);
      return { status: 202 };
    },
  },
  {
    method: 'PUT',
    path: '/connectors/{name}/stop',
    handler: async ({ herder, params }) => {
      await herder.stopConnector(params.name);
      return noContent();
    },
  },
];
