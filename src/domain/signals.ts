import type { Move } from './lifecycle';

/** A denial explains itself: the customer reads the reason. */
export const DENIAL_REASON_MIN = 10;
const TEXT_MAX = 2000;

/** What an admin's approve/deny signal carries once checked. */
export interface SignalMove {
  byUserId: number | null;
  reason?: string;
}

/**
 * Checks a signal's input (typed by hand in the Temporal UI or CLI, so anything at all) the way the
 * API checks a body: a signal cannot answer, so a bad one is refused before it reaches the
 * database, where it would fail the move's transaction on every retry. Returns the problem, or
 * the move's arguments.
 */
export function parseSignalMove(move: Extract<Move, 'approve' | 'deny'>, raw: unknown): SignalMove | { problem: string } {
  if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) return { problem: 'input must be an object' };
  const input = (raw ?? {}) as Record<string, unknown>;
  const { byUserId, reason } = input;
  if (byUserId !== undefined && byUserId !== null && !(typeof byUserId === 'number' && Number.isSafeInteger(byUserId) && byUserId > 0)) {
    return { problem: 'byUserId must be a positive integer' };
  }
  if (reason !== undefined && typeof reason !== 'string') return { problem: 'reason must be a string' };
  const text = reason?.trim();
  if (move === 'deny' && (text === undefined || text.length < DENIAL_REASON_MIN)) {
    return { problem: `reason must be at least ${DENIAL_REASON_MIN} characters` };
  }
  if (text !== undefined && text.length > TEXT_MAX) return { problem: `reason must be at most ${TEXT_MAX} characters` };
  return { byUserId: (byUserId as number | undefined) ?? null, ...(text ? { reason: text } : {}) };
}
