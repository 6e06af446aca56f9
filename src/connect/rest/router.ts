/**
 * A small path router: routes are `METHOD /literal/{param}/...` patterns. A path that matches
 * no pattern is 404; a path that matches only with other methods is 405 (with `Allow`). HEAD
 * is served by GET routes. Path segments are percent-decoded after splitting, so a connector
 * named `a/b` is addressed as `/connectors/a%2Fb`.
 */
import { ConnectRestError } from '../herder.ts';
import type { HttpMethod, RouteHandler } from './http.ts';

export interface Route {
  readonly method: Exclude<HttpMethod, 'HEAD'>;
  /** e.g. `/connectors/{name}/tasks/{task}/status` */
  readonly path: string;
  readonly handler: RouteHandler;
}

interface CompiledRoute extends Route {
  readonly segments: readonly ({ literal: string } | { param: string })[];
}

export type RouteMatch =
  | { kind: 'found'; handler: RouteHandler; params: Record<string, string> }
  | { kind: 'not-found' }
  | { kind: 'method-not-allowed'; allow: string[] };

function compile(route: Route): CompiledRoute {
  const segments = route.path
    .split('/')
    .filter((s) => s !== '')
    .map((s) => {
      const m = /^\{(\w+)\}$/.exec(s);
      return m ? { param: m[1] } : { literal: s };
    });
  return { ...route, segments };
}

/** Splits and decodes a request path; a bad percent-encoding is 400. Empty segments (`//`, trailing `/`) are ignored. */
export function pathSegments(pathname: string): string[] {
  return pathname
    .split('/')
    .filter((s) => s !== '')
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        throw new ConnectRestError(400, `Malformed percent-encoding in path segment "${s}"`);
      }
    });
}

export class Router {
  readonly #routes: CompiledRoute[] = [];

  add(routes: readonly Route[]): this {
    for (const route of routes) this.#routes.push(compile(route));
    return this;
  }

  /** The methods some route serves for this path (HEAD with GET, OPTIONS always), sorted; empty when no route has the path. */
  allowed(segments: readonly string[]): string[] {
    const methods = new Set<string>();
    for (const route of this.#routes) {
      if (matchSegments(route, segments) === null) continue;
      methods.add(route.method);
      if (route.method === 'GET') methods.add('HEAD');
    }
    if (methods.size > 0) methods.add('OPTIONS');
    return [...methods].sort();
  }

  match(method: HttpMethod, segments: readonly string[]): RouteMatch {
    const allowed = new Set<string>();
    const wanted = method === 'HEAD' ? 'GET' : method;
    for (const route of this.#routes) {
      const params = matchSegments(route, segments);
      if (params === null) continue;
      if (route.method === wanted) return { kind: 'found', handler: route.handler, params };
      allowed.add(route.method);
      if (route.method === 'GET') allowed.add('HEAD');
    }
    if (allowed.size === 0) return { kind: 'not-found' };
    return { kind: 'method-not-allowed', allow: [...allowed].sort() };
  }
}

function matchSegments(route: CompiledRoute, segments: readonly string[]): Record<string, string> | null {
  if (route.segments.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const pattern = route.segments[i];
    if ('literal' in pattern) {
      if (pattern.literal !== segments[i]) return null;
    } else {
      params[pattern.param] = segments[i];
    }
  }
  return params;
}
