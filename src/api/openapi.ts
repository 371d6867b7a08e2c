import { z } from 'zod';
import { ERROR_CATALOGUE } from './errors';
import type { AnyRoute } from './route';
import { errorBody } from './common/schemas';

type JsonSchema = Record<string, unknown>;

const toSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema =>
  z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' });

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const json = toSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: s,
    ...(typeof s.description === 'string' ? { description: s.description } : {}),
  }));
}

const ERROR_FOR_STATUS: Record<number, string> = Object.fromEntries(
  Object.entries(ERROR_CATALOGUE).map(([code, { status }]) => [status, code]),
);

/** The OpenAPI 3.0 document, generated from the same route declarations that validate requests. */
export function buildOpenApi(routes: readonly AnyRoute[]): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const path = `/api${route.path}`.replace(/:(\w+)/g, '{$1}');
    const success = route.status ?? 200;
    const errorStatuses = new Set<number>(route.errors ?? []);
    const body = route.body ?? route.documentedBody;
    if (body || route.query || route.params) errorStatuses.add(400);
    if (body) errorStatuses.add(415);
    if (route.access !== 'public') {
      errorStatuses.add(401);
      errorStatuses.add(403);
    }
    const responses: Record<string, JsonSchema> = {
      [success]: {
        description: 'Success',
        ...(route.response ? { content: { 'application/json': { schema: toSchema(route.response, 'output') } } } : {}),
        ...(route.produces ? { content: { [route.produces]: { schema: { type: 'string' } } } } : {}),
      },
    };
    for (const status of [...errorStatuses].sort()) {
      responses[status] = {
        description: ERROR_FOR_STATUS[status] ?? 'Error',
        content: { 'application/json': { schema: toSchema(errorBody, 'output') } },
      };
    }
    (paths[path] ??= {})[route.method] = {
      summary: route.summary,
      tags: [route.tag],
      operationId: `${route.method}${route.path.replace(/[/:-](\w)/g, (_, c: string) => c.toUpperCase())}`,
      ...(route.access === 'public' ? { security: [] } : { description: `Roles: ${(route.access as string[]).join(', ')}` }),
      parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
      ...(body
        ? { requestBody: { required: true, content: { [route.consumes ?? 'application/json']: { schema: toSchema(body, 'input') } } } }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.0.3',
    info: { title: 'RS Systems repair API', version: '0.1.0' },
    servers: [{ url: '/' }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    security: [{ bearer: [] }],
    paths,
  };
}
