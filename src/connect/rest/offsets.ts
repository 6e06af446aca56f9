/**
 * `/connectors/{name}/offsets`: GET reads them; PATCH alters and DELETE resets them (the
 * connector must be STOPPED; the Herder answers 400 otherwise). Both answer 200 with
 * `{message}`, as Connect does.
 */
import type { ConnectorOffsets } from '../herder.ts';
import { badRequest, isPlainObject, ok, requireObjectBody } from './http.ts';
import type { Route } from './router.ts';

/** Checks a PATCH body: `{offsets: [{partition: {...}, offset: {...} | null}, ...]}` with at least one entry. */
export function parseOffsetsBody(body: unknown): ConnectorOffsets {
  const request = requireObjectBody(body, 'a JSON object {"offsets": [{"partition": {...}, "offset": {...}}]}');
  const list = request.offsets;
  if (!Array.isArray(list) || list.length === 0) {
    throw badRequest('Partitions / offsets need to be provided for an alter offsets request');
  }
  const offsets: ConnectorOffsets['offsets'] = [];
  list.forEach((entry: unknown, i) => {
    if (!isPlainObject(entry)) throw badRequest(`offsets[${i}] must be an object {"partition": {...}, "offset": {...}}`);
    if (!isPlainObject(entry.partition)) throw badRequest(`offsets[${i}].partition must be a JSON object`);
    const offset = entry.offset;
    if (offset !== null && offset !== undefined && !isPlainObject(offset)) throw badRequest(`offsets[${i}].offset must be a JSON object or null`);
    offsets.push({ partition: entry.partition, offset: offset ?? null });
  });
  return { offsets };
}

export const offsetRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: '/connectors/{name}/offsets',
    handler: async ({ herder, params }) => ok(await herder.connectorOffsets(params.name)),
  },
  {
    method: 'PATCH',
    path: '/connectors/{name}/offsets',
    handler: async ({ herder, params, body }) => ok(await herder.alterConnectorOffsets(params.name, parseOffsetsBody(body))),
  },
  {
    method: 'DELETE',
    path: '/connectors/{name}/offsets',
    handler: async ({ herder, params }) => ok(await herder.resetConnectorOffsets(params.name)),
  },
];
