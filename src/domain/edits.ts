import type { Actor, RepairFacts } from './lifecycle';
import { isFinished } from './lifecycle';
import type { MoveActor } from './moves';
import type { RepairRecord, RepairStatus } from './repair';
import type { Role } from './roles';

/**
 * Edits of a repair's description, damage type and unit: not moves (the status stays), but written
 * by the repair's workflow under the same lock as its moves, so an edit and a move never interleave.
 * Workflow-safe: the API, the workflow and the edit's activity share these declarations.
 */

export const EDITABLE_FIELDS = ['description', 'damageType', 'unitNumber'] as const;
export type EditableField = (typeof EDITABLE_FIELDS)[number];

/** The new values a caller sends (at least one). */
export type RepairChanges = Partial<Record<EditableField, string>>;

/** What an edit changed, field by field (a field sent with its current value is not a change). */
export type FieldChanges = Partial<Record<EditableField, { from: string | null; to: string }>>;

/** The `edit` update's argument. */
export interface EditArgs {
  actor: MoveActor;
  changes: RepairChanges;
}

/** An edit as the workflow hands it to its activity. */
export interface EditCommand extends EditArgs {
  repairId: number;
  /** Derived from the workflow id and the edit's sequence number (`keys.edit`): the idempotency key. */
  editId: string;
  /** The status the workflow holds the repair in: the database must agree. */
  status: RepairStatus;
}

export interface EditResult {
  record: RepairRecord;
  changes: FieldChanges;
}

/**
 * Who may ever edit this repair: its customer's users, its assigned technician, admins. When they
 * may is `editRefusal`'s business.
 */
export function mayEdit(actor: Actor, repair: RepairFacts): boolean {
  switch (actor.role) {
    case 'admin':
      return true;
    case 'customer':
      return actor.customerId !== null && actor.customerId === repair.customerId;
    case 'technician':
      return actor.technicianId !== null && actor.technicianId === repair.technicianId;
  }
}

/**
 * Why an edit by `role` is refused in `status` (a 409 naming the status), or null. Customers edit
 * their request until a technician has looked at it (REQUESTED); staff until the repair is finished.
 */
export function editRefusal(role: Role, status: RepairStatus): string | null {
  if (isFinished(status)) return `cannot edit a repair that is ${status}`;
  if (role === 'customer' && status !== 'REQUESTED') return `a customer cannot edit a repair that is ${status}`;
  return null;
}

/** The fields whose value would change, with the old and new value. */
export function changesOf(current: Record<EditableField, string | null>, wanted: RepairChanges): FieldChanges {
  const out: FieldChanges = {};
  for (const field of EDITABLE_FIELDS) {
    const to = wanted[field];
    if (to !== undefined && to !== current[field]) out[field] = { from: current[field], to };
  }
  return out;
}
