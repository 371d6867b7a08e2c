import type { Middleware } from 'koa';
import {
  CheckViolationError,
  DataError,
  ForeignKeyViolationError,
  NotFoundError,
  NotNullViolationError,
  UniqueViolationError,
  ValidationError,
} from 'objection';
import { isDomainError, type AnyDomainError } from '../../domain/errors';
import { ApiError, ERROR_CATALOGUE } from '../errors';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE']);

/** PostgreSQL SQLSTATEs meaning "the server cannot serve you now": connection (08), resources (53), operator (57P). */
const isPgUnavailable = (code: string, message: string): boolean =>
  /^(08|53|57P)/.test(code) || (code === '55000' && /not currently accepting connections/.test(message));

/** gRPC CANCELLED, DEADLINE_EXCEEDED, UNAVAILABLE. */
const GRPC_NOT_NOW = new Set([1, 4, 14]);

const isGrpcError = (err: unknown): err is { code: number; details: string } =>
  typeof (err as { code?: unknown }).code === 'number' && typeof (err as { details?: unknown }).details === 'string';

/** Errors that mean a dependency is down, not that the request is wrong. */
function isUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; name?: string; message?: string; cause?: unknown; nativeError?: unknown };
  if (e.nativeError !== undefined && e.nativeError !== err && isUnavailable(e.nativeError)) return true;
  if (NETWORK_CODES.has(String(e.code)) || isPgUnavailable(String(e.code), String(e.message))) return true;
  if (/Connection terminated|connection timeout/i.test(String(e.message))) return true;
  if (e.name === 'KnexTimeoutError') return true;
  if (e.name === 'ConnectionError') return true;
  // An update call cut off by Temporal going away: the server may answer CANCELLED (1), not only
  // DEADLINE_EXCEEDED, and the move's outcome is unknown. A retry is safe (the workflow's validator
  // refuses a move already made), so this is a 503, not a 500 (found by test/faults, Temporal restart).
  if (e.name === 'WorkflowUpdateRPCTimeoutOrCancelledError') return true;
  // From the Temporal client, only UNAVAILABLE, a deadline or a cancellation mean "not now"; any
  // other service error (a ServiceError wraps the gRPC one) is a fault of ours, a 500.
  if (isGrpcError(err) && GRPC_NOT_NOW.has(err.code)) return true;
  return e.cause !== undefined && e.cause !== err && isUnavailable(e.cause);
}

/** A use-case's refusal, under the stable code and status the API has always answered it with. */
function fromDomainError(err: AnyDomainError): ApiError {
  switch (err.kind) {
    case 'validation':
      return new ApiError('VALIDATION_FAILED', err.message, err.fields);
    case 'not_found':
      return new ApiError('NOT_FOUND', err.message);
    case 'conflict':
      return new ApiError('CONFLICT', err.message, err.fields);
    case 'forbidden':
      return new ApiError('FORBIDDEN', err.message);
    case 'unavailable':
      return new ApiError('SERVICE_UNAVAILABLE', err.message, undefined, { cause: err });
  }
}

/** Turns anything thrown into an ApiError; unknown errors keep their detail in the log only. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (isDomainError(err)) return fromDomainError(err);
  if (err instanceof UniqueViolationError) {
    const fields = Object.fromEntries((err.columns ?? []).map((c) => [c, 'is already taken']));
    return new ApiError('CONFLICT', 'A record with these values already exists', fields);
  }
  if (err instanceof ForeignKeyViolationError) return new ApiError('CONFLICT', 'A referenced record does not exist');
  if (err instanceof NotNullViolationError) {
    return new ApiError('VALIDATION_FAILED', 'A required value is missing', { [err.column]: 'is required' });
  }
  if (err instanceof CheckViolationError || err instanceof DataError) {
    return new ApiError('VALIDATION_FAILED', 'A value is out of range or malformed');
  }
  if (err instanceof ValidationError) {
    const fields = Object.fromEntries(
      Object.entries((err.data ?? {}) as Record<string, unknown>).map(([k, v]) => [
        k,
        (v as { message?: string }[])[0]?.message ?? 'is invalid',
      ]),
    );
    return new ApiError('VALIDATION_FAILED', undefined, fields);
  }
  if (err instanceof NotFoundError) return new ApiError('NOT_FOUND');
  if (isUnavailable(err)) return new ApiError('SERVICE_UNAVAILABLE', undefined, undefined, { cause: err });
  const status = (err as { status?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    if (status === 401) return new ApiError('UNAUTHENTICATED');
    if (status === 403) return new ApiError('FORBIDDEN');
    if (status === 404) return new ApiError('NOT_FOUND');
    if (status === 405) return new ApiError('METHOD_NOT_ALLOWED');
    return new ApiError('VALIDATION_FAILED', (err as Error).message);
  }
  return new ApiError('INTERNAL', undefined, undefined, { cause: err });
}

export function errorHandler(): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) throw new ApiError('NOT_FOUND', 'No such route');
    } catch (err) {
      const apiError = toApiError(err);
      if (apiError.status >= 500) {
        ctx.state.log?.error({ err }, apiError.code === 'INTERNAL' ? 'unhandled error' : 'dependency unavailable');
      }
      ctx.status = apiError.status;
      ctx.body = {
        error: {
          code: apiError.code,
          // Unknown errors never leak their message.
          message: apiError.code === 'INTERNAL' ? ERROR_CATALOGUE.INTERNAL.message : apiError.message,
          ...(apiError.fields ? { fields: apiError.fields } : {}),
        },
      };
      if (apiError.status === 503) ctx.set('Retry-After', '5');
      if (apiError.retryAfterSeconds !== undefined) ctx.set('Retry-After', String(apiError.retryAfterSeconds));
    }
  };
}
