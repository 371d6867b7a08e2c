import type { FieldErrors } from '../domain/errors';

/**
 * The error catalogue: every failure a client can see has a stable code and status.
 * Anything thrown that is not an `ApiError` is reported as INTERNAL with a generic message.
 */
export const ERROR_CATALOGUE = {
  VALIDATION_FAILED: { status: 400, message: 'The request is not valid' },
  UNAUTHENTICATED: { status: 401, message: 'Authentication is required' },
  FORBIDDEN: { status: 403, message: 'You may not do this' },
  NOT_FOUND: { status: 404, message: 'Not found' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'Method not allowed on this route' },
  INVALID_TRANSITION: { status: 409, message: 'This move is not allowed from the current state' },
  CONFLICT: { status: 409, message: 'The request conflicts with existing data' },
  INSUFFICIENT_POINTS: { status: 409, message: 'Not enough reward points' },
  GONE: { status: 410, message: 'This link no longer works' },
  TOO_MANY_REQUESTS: { status: 429, message: 'Too many attempts; try again later' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Send the body as application/json' },
  SERVICE_UNAVAILABLE: { status: 503, message: 'A dependency is unavailable; try again shortly' },
  INTERNAL: { status: 500, message: 'Something went wrong on our side' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;
export type { FieldErrors };

export class ApiError extends Error {
  readonly status: number;
  /** Sent as Retry-After (seconds) with a 429. */
  retryAfterSeconds?: number;

  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly fields?: FieldErrors,
    options?: { cause?: unknown },
  ) {
    super(message ?? ERROR_CATALOGUE[code].message, options);
    this.name = 'ApiError';
    this.status = ERROR_CATALOGUE[code].status;
  }
}

export const validationFailed = (fields: FieldErrors, message?: string): ApiError =>
  new ApiError('VALIDATION_FAILED', message ?? 'The request is not valid', fields);
export const notFound = (what = 'Resource'): ApiError => new ApiError('NOT_FOUND', `${what} not found`);
export const forbidden = (message?: string): ApiError => new ApiError('FORBIDDEN', message);
export const conflict = (message: string, fields?: FieldErrors): ApiError => new ApiError('CONFLICT', message, fields);
export const tooManyRequests = (retryAfterSeconds: number, message?: string): ApiError => {
  const error = new ApiError('TOO_MANY_REQUESTS', message);
  error.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return error;
};
