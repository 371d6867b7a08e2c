import type Router from '@koa/router';
import type { Context } from 'koa';
import type { z } from 'zod';
import type { Role } from '../domain/roles';
import type { AppDeps, AuthUser } from './context';
import { ApiError, validationFailed, type FieldErrors } from './errors';
import { authenticate, requireRole } from './middleware/auth';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Schema = z.ZodType;
type Out<S> = S extends Schema ? z.output<S> : undefined;

/**
 * One declaration per route: it validates the request, checks the caller's role, documents the
 * route in OpenAPI, and runs the handler. The schemas that validate are the schemas documented.
 */
export interface RouteSpec<B extends Schema | undefined, Q extends Schema | undefined, P extends Schema | undefined, A> {
  method: Method;
  path: string;
  summary: string;
  tag: string;
  /** 'public' routes need no token; otherwise the roles that may call the route. */
  access: A;
  /**
   * The handler authenticates the caller itself (documented as `access` says): for the one route
   * that also takes a credential in its query string.
   */
  selfAuthenticates?: boolean;
  body?: B;
  query?: Q;
  params?: P;
  /** For handlers that validate the body themselves (e.g. per role): documented, not parsed here. */
  documentedBody?: Schema;
  /**
   * A request body that is not JSON: the handler reads it from `ctx.req` itself (streamed, with its
   * own limits), `documentedBody` describes its fields, and any other media type is a 415.
   */
  consumes?: 'multipart/form-data' | 'text/plain';
  status?: number;
  response?: Schema;
  /** The media type of a success body that is not JSON (the handler returns a string or stream and sets Content-Type). */
  produces?: string;
  /** Extra documented error statuses beyond those implied by validation and access. */
  errors?: number[];
  // Method syntax on purpose: it lets a specific route be stored as an AnyRoute.
  handler(
    req: {
      body: Out<B>;
      query: Out<Q>;
      params: Out<P>;
      user: A extends 'public' ? undefined : AuthUser;
      ctx: Context;
    },
    deps: AppDeps,
  ): Promise<unknown>;
}

export type AnyRoute = RouteSpec<Schema | undefined, Schema | undefined, Schema | undefined, 'public' | readonly Role[]>;

export function defineRoute<
  B extends Schema | undefined = undefined,
  Q extends Schema | undefined = undefined,
  P extends Schema | undefined = undefined,
  A extends 'public' | readonly Role[] = readonly Role[],
>(spec: RouteSpec<B, Q, P, A>): AnyRoute {
  return spec;
}

/** A handler returns a body (sent with the route's status) or a `reply` when the status depends on the outcome. */
export class Reply {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}
export const reply = (status: number, body: unknown): Reply => new Reply(status, body);

const valueAt = (input: unknown, path: readonly PropertyKey[]): unknown =>
  path.reduce<unknown>((v, key) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key] : undefined), input);

/** Zod issues → `{ "<field path>": "<why>" }`, one reason per field, in words a client can act on. */
export function zodFields(error: z.ZodError, root: string, input: unknown): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.map(String).join('.') : root;
    let why = issue.message;
    if (issue.code !== 'custom' && issue.path.length && valueAt(input, issue.path) === undefined) why = 'is required';
    else if (issue.code === 'invalid_type') why = `must be ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
    fields[key] ??= why;
  }
  return fields;
}

/**
 * Validates one part of a request (400 with the reasons per field). Routes do it for their declared
 * schemas; a handler whose schema depends on the caller (see `documentedBody`) calls it itself.
 */
export function parseRequest<S extends Schema | undefined>(schema: S, value: unknown, root: 'body' | 'query' | 'params'): Out<S> {
  if (!schema) return undefined as Out<S>;
  const result = schema.safeParse(value);
  if (!result.success) throw validationFailed(zodFields(result.error, root, value));
  return result.data as Out<S>;
}

/**
 * The path of the first string holding a NUL character, if any. PostgreSQL text cannot store NUL:
 * such a value would fail in the database (a 500) instead of being refused here with its field.
 */
export function nulPath(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (value === null || typeof value !== 'object') return null;
  for (const [key, inner] of Object.entries(value)) {
    const found = nulPath(inner, path === '' ? key : `${path}.${key}`);
    if (found !== null) return found;
  }
  return null;
}

function refuseNul(ctx: Context): void {
  const where = nulPath({ ...ctx.query }, '') ?? nulPath(ctx.params, '') ?? nulPath(ctx.request.body, '');
  if (where !== null) throw validationFailed({ [where || 'body']: 'must not contain a NUL character' });
}

export function mountRoutes(router: Router, routes: readonly AnyRoute[], deps: AppDeps): void {
  for (const route of routes) {
    const guards = route.access === 'public' || route.selfAuthenticates ? [] : [authenticate(deps), requireRole(route.access)];
    router[route.method](
      route.path,
      async (ctx, next) => {
        ctx.state.routePath = route.path;
        await next();
      },
      ...guards,
      async (ctx) => {
        // JSON bodies were parsed before routing; multipart and text ones are left unread, for the routes that take them.
        if (route.consumes ? !ctx.is(route.consumes) : ctx.is('multipart/form-data', 'text/plain')) {
          throw new ApiError('UNSUPPORTED_MEDIA_TYPE', `Send the body as ${route.consumes ?? 'application/json'}`);
        }
        refuseNul(ctx);
        const params = parseRequest(route.params, ctx.params, 'params');
        const query = parseRequest(route.query, ctx.query, 'query');
        const body = route.consumes ? undefined : parseRequest(route.body, ctx.request.body ?? {}, 'body');
        const result = await route.handler({ body, query, params, user: ctx.state.user, ctx }, deps);
        if (result instanceof Reply) {
          ctx.status = result.status;
          ctx.body = result.body;
        } else {
          ctx.status = route.status ?? 200;
          ctx.body = result;
        }
      },
    );
  }
}
