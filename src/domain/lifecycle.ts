import type { RepairStatus, Viewer } from './repair';

export const MOVES = ['submit', 'approve', 'deny', 'start', 'complete', 'assign'] as const;
export type Move = (typeof MOVES)[number];

/** Who is acting: a user through the API, or an admin through Temporal (signal: no user id). */
export type Actor = Viewer & { userId: number | null };

export interface RepairFacts {
  status: RepairStatus;
  customerId: number;
  technicianId: number | null;
}

const FINISHED: readonly RepairStatus[] = ['COMPLETED', 'DENIED'];
export const isFinished = (status: RepairStatus): boolean => FINISHED.includes(status);

/** The state machine: where each move may start and where it leads (assign keeps the status). */
export const TRANSITIONS: Record<Move, { from: readonly RepairStatus[]; to: RepairStatus | 'same' }> = {
  submit: { from: ['REQUESTED'], to: 'PENDING' },
  approve: { from: ['PENDING'], to: 'APPROVED' },
  deny: { from: ['PENDING'], to: 'DENIED' },
  start: { from: ['APPROVED'], to: 'IN_PROGRESS' },
  complete: { from: ['IN_PROGRESS'], to: 'COMPLETED' },
  assign: { from: ['REQUESTED', 'PENDING', 'APPROVED', 'IN_PROGRESS'], to: 'same' },
};

const isAssignedTechnician = (actor: Actor, repair: RepairFacts) =>
  actor.role === 'technician' && actor.technicianId !== null && actor.technicianId === repair.technicianId;
const isRepairsCustomer = (actor: Actor, repair: RepairFacts) =>
  actor.role === 'customer' && actor.customerId !== null && actor.customerId === repair.customerId;

/** Who may make each move (independent of the current status). */
export function mayMove(move: Move, actor: Actor, repair: RepairFacts): boolean {
  if (actor.role === 'admin') return true;
  switch (move) {
    case 'submit':
    case 'start':
    case 'complete':
      return isAssignedTechnician(actor, repair);
    case 'approve':
    case 'deny':
      return isRepairsCustomer(actor, repair);
    case 'assign':
      return false;
  }
}

/** The status a move leads to, or null when the move is not allowed from `status`. */
export function nextStatus(move: Move, status: RepairStatus): RepairStatus | null {
  const t = TRANSITIONS[move];
  if (!t.from.includes(status)) return null;
  return t.to === 'same' ? status : t.to;
}

export type MoveVerdict = { ok: true; to: RepairStatus } | { ok: false; reason: 'FORBIDDEN' | 'INVALID_TRANSITION' };

/** Permission first (403), then the state machine (409): a caller learns nothing about moves it may never make. */
export function judgeMove(move: Move, actor: Actor, repair: RepairFacts): MoveVerdict {
  if (!mayMove(move, actor, repair)) return { ok: false, reason: 'FORBIDDEN' };
  const to = nextStatus(move, repair.status);
  return to === null ? { ok: false, reason: 'INVALID_TRANSITION' } : { ok: true, to };
}
