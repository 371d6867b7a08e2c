import { bodyParser } from '@koa/bodyparser';
import type { Middleware } from 'koa';
import { ApiError, validationFailed } from '../errors';

/** JSON bodies only, with a size limit; malformed or oversized bodies are the client's mistake (400). */
export function jsonBody(limitKb: number): Middleware {
  const parse = bodyParser({
    enableTypes: ['json'],
    jsonLimit: `${limitKb}kb`,
    jsonStrict: true,
    onError: (err: Error & { type?: string }) => {
      if (err.type === 'entity.too.large') {
        throw validationFailed({ body: `is larger than the ${limitKb} KiB limit` }, 'The request body is too large');
      }
      throw validationFailed({ body: 'is not valid JSON' }, 'The request body is not valid JSON');
    },
  });
  return async (ctx, next) => {
    const hasBody = Number(ctx.get('content-length') || 0) > 0 || ctx.get('transfer-encoding') !== '';
    // Multipart and plain text (SNS posts its JSON as text/plain) go through unread: only a route
    // declaring the type (`consumes`) reads it, itself; the rest answer 415.
    if (hasBody && !ctx.is('application/json', 'multipart/form-data', 'text/plain')) throw new ApiError('UNSUPPORTED_MEDIA_TYPE');
    await parse(ctx, next);
  };
}
