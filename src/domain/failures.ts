/**
 * Business failures: the outcomes a caller caused (a move the state does not allow, a technician
 * who cannot take the work), as opposed to the system failing. Activities throw them as
 * non-retryable `ApplicationFailure`s of these types; the workflow and the API recognise them
 * wherever they sit in a cause chain.
 */
export const FAILURE = {
  INVALID_TRANSITION: 'INVALID_TRANSITION',
  INVALID_TECHNICIAN: 'INVALID_TECHNICIAN',
  REPAIR_NOT_FOUND: 'RepairNotFound',
  /** A signal named a user who does not exist (the API's actors always do). */
  INVALID_ACTOR: 'INVALID_ACTOR',
} as const;

export type FailureType = (typeof FAILURE)[keyof typeof FAILURE];

const TYPES = new Set<string>(Object.values(FAILURE));

/** The shape Temporal failures share: a message, an optional type, and the failure that caused it. */
interface Failure {
  message: string;
  type?: string | null;
  cause?: unknown;
}

/**
 * The business failure behind `err`, however deep: a failed update or signal reaches its caller
 * wrapped (an `ActivityFailure` whose cause is the activity's `ApplicationFailure`, inside a
 * `WorkflowUpdateFailedError`). Walks the whole chain, never just the top; a cycle ends the walk.
 */
export function businessFailure(err: unknown): { type: FailureType; message: string } | undefined {
  const seen = new Set<unknown>();
  for (let e = err; e instanceof Error && !seen.has(e); e = (e as Failure).cause) {
    seen.add(e);
    const { type, message } = e as Failure;
    if (typeof type === 'string' && TYPES.has(type)) return { type: type as FailureType, message };
  }
  return undefined;
}
