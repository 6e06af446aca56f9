/**
 * `/connector-plugins`: the installed plugins (`?connectorsOnly=false` adds converters,
 * transformations and predicates), a plugin's settings, and config validation.
 */
import { badRequest, booleanParam, configMap, ok } from './http.ts';
import type { Route } from './router.ts';

const CONNECTOR_CLASS = 'connector.class';

/** Connect compares plugin names without a trailing "Connector" (FileStreamSink matches ...FileStreamSinkConnector). */
function normalizedPluginName(name: string): string {
  return name.endsWith('Connector') && name.length > 'Connector'.length ? name.slice(0, -'Connector'.length) : name;
}

export const pluginRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: '/connector-plugins',
    handler: ({ herder, query }) => {
      // Connect's default is true; a value is read like Java's Boolean.parseBoolean.
      return ok(herder.plugins(booleanParam(query, 'connectorsOnly', true)));
    },
  },
  {
    method: 'GET',
    path: '/connector-plugins/{plugin}/config',
    handler: async ({ herder, params }) => {
      // The definitions, without validating anything the user gave (KIP-769's response shape).
      const infos = await herder.validateConfig(params.plugin, { [CONNECTOR_CLASS]: params.plugin });
      return ok(infos.configs.map((c) => c.definition));
    },
  },
  {
    method: 'PUT',
    path: '/connector-plugins/{plugin}/config/validate',
    handler: async ({ herder, params, body }) => {
      const config = configMap(body, 'Connector config');
      const included = config[CONNECTOR_CLASS];
      if (included !== undefined && !normalizedPluginName(included).endsWith(normalizedPluginName(params.plugin))) {
        throw badRequest(`Included connector type ${included} does not match request type ${params.plugin}`);
      }
      return ok(await herder.validateConfig(params.plugin, { ...config, [CONNECTOR_CLASS]: included ?? params.plugin }));
    },
  },
];
