import type { Move } from './lifecycle';
import type { DeliveryPlan } from './notifications/delivery';
import type { RepairRecord, RepairStatus } from './repair';
import type { Role } from './roles';

/**
 * A move on its way from a caller through the repair workflow to the database: one declaration of
 * each step's shape, shared by the API, the workflow and the move's activity.
 */

/** Who made a move, as the API (or an admin's signal) states it. */
export interface MoveActor {
  userId: number | null;
  role: Role;
}

/** What a caller sends with a move (the update's argument). */
export interface MoveArgs {
  actor: MoveActor;
  reason?: string;
  notes?: string;
  estimatedCost?: number;
  technicianId?: number;
  batchId?: string;
}

/** The caller's part of a move, before the API adds who the caller is. */
export type MoveFields = Omit<MoveArgs, 'actor'>;

/** A move as the workflow hands it to its activity: the caller's arguments and what the workflow decided. */
export interface MoveCommand extends MoveArgs {
  repairId: number;
  /** Derived from the workflow id and the move's sequence number (`keys.move`): the idempotency key. */
  moveId: string;
  move: Move;
  from: RepairStatus;
  to: RepairStatus;
}

/** The move's activity answers with the repair as recorded and the deliveries its events caused. */
export interface MoveResult {
  record: RepairRecord;
  plans: DeliveryPlan[];
  /** The last event turned into notifications. */
  watermark: number;
}
