/**
 * What a use-case refuses, in the terms of the request rather than of a transport. Each entry
 * point maps them its own way: the API to a status and a stable code (src/api/middleware/errors.ts),
 * the ops console to a message and an exit code (src/ops/cli.ts). A use-case never throws ApiError.
 */
export type FieldErrors = Record<string, string>;

export abstract class DomainError extends Error {
  abstract readonly kind: AnyDomainError['kind'];

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Every kind: a mapping switches over `kind` and the compiler tells it when one is missing. */
export type AnyDomainError = NotFoundError | ConflictError | ValidationError | ForbiddenError | UnavailableError;

export const isDomainError = (err: unknown): err is AnyDomainError => err instanceof DomainError;

/** The thing the request names does not exist (or is not the caller's to see). */
export class NotFoundError extends DomainError {
  readonly kind = 'not_found';
  override readonly name = 'NotFoundError';
  constructor(what: string) {
    super(`${what} not found`);
  }
}

/** The request is well formed but clashes with what exists (already done, in progress, someone else's). */
export class ConflictError extends DomainError {
  readonly kind = 'conflict';
  override readonly name = 'ConflictError';
  constructor(
    message: string,
    readonly fields?: FieldErrors,
  ) {
    super(message);
  }
}

/** A value the schema let through refers to something that is not there or not usable. */
export class ValidationError extends DomainError {
  readonly kind = 'validation';
  override readonly name = 'ValidationError';
  constructor(
    readonly fields: FieldErrors,
    message = 'The request is not valid',
  ) {
    super(message);
  }
}

/** The caller may not do this, whatever the state. */
export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden';
  override readonly name = 'ForbiddenError';
}

/** A dependency did not settle the request in time; trying again later is safe. */
export class UnavailableError extends DomainError {
  readonly kind = 'unavailable';
  override readonly name = 'UnavailableError';
}
