import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { EditArgs } from '../domain/edits';
import type { Move } from '../domain/lifecycle';
import type { MoveArgs } from '../domain/moves';
import type { DeliveryOptions } from '../domain/notifications/delivery';
import type { RepairRecord, RepairStatus } from '../domain/repair';

/**
 * Everything a client and a workflow must agree on: search attributes, queries, signals, updates,
 * failure types. Workflow-safe (no I/O), so the API, the worker and the workflow bundle import it.
 */
export const SA = {
  RepairStatus: defineSearchAttributeKey('RepairStatus', SearchAttributeType.KEYWORD),
  CustomerId: defineSearchAttributeKey('CustomerId', SearchAttributeType.INT),
  TechnicianId: defineSearchAttributeKey('TechnicianId', SearchAttributeType.INT),
  UnitNumber: defineSearchAttributeKey('UnitNumber', SearchAttributeType.KEYWORD),
} as const;

export const ALL_SEARCH_ATTRIBUTES = Object.values(SA);

/** ApplicationFailure types the API maps to HTTP answers (domain: activities throw them too). */
export { FAILURE } from '../domain/failures';

export interface RepairWorkflowInput {
  repairId: number;
  customerId: number;
  /** For the texts the Temporal UI shows (absent in workflows started before them). */
  customerName?: string;
  unitNumber: string;
  status: Extract<RepairStatus, 'REQUESTED' | 'PENDING'>;
  technicianId: number | null;
  /** How long to wait before asking again when no technician is active. */
  assignmentRetryMs: number;
  /** While PENDING: remind the customer after this long, escalate to admins after that. */
  approvalReminderMs: number;
  approvalEscalationMs: number;
  /** How notifications caused by this repair are delivered. */
  delivery: DeliveryOptions;
  /**
   * A dispatch with more recipients than this is delivered by a workflow of its own, so a large
   * fleet's fan-out does not swell this history (absent in workflows started before it existed).
   */
  deliveryInlineMax?: number;
}

export interface RepairWorkflowState {
  repairId: number;
  status: RepairStatus;
  technicianId: number | null;
  moves: number;
  /** Edits run so far, numbering their keys (absent from the results of runs that finished before edits). */
  edits?: number;
  /** Events up to this id have been turned into notifications. */
  eventWatermark: number;
}

export const stateQuery = defineQuery<RepairWorkflowState>('state');

/** One update per move: the API answers with the repair once the move is recorded. */
export const moveUpdates: Record<Move, ReturnType<typeof defineUpdate<RepairRecord, [MoveArgs]>>> = {
  submit: defineUpdate<RepairRecord, [MoveArgs]>('submit'),
  approve: defineUpdate<RepairRecord, [MoveArgs]>('approve'),
  deny: defineUpdate<RepairRecord, [MoveArgs]>('deny'),
  start: defineUpdate<RepairRecord, [MoveArgs]>('start'),
  complete: defineUpdate<RepairRecord, [MoveArgs]>('complete'),
  assign: defineUpdate<RepairRecord, [MoveArgs]>('assign'),
};

/** Description, damage type or unit: answered with the repair once the edit is recorded. */
export const editUpdate = defineUpdate<RepairRecord, [EditArgs]>('edit');

/** For admins in the Temporal UI / CLI: `temporal workflow signal --name approve --input '{}'`. */
export interface SignalMoveArgs {
  reason?: string;
  byUserId?: number;
}
export const approveSignal = defineSignal<[SignalMoveArgs?]>('approve');
export const denySignal = defineSignal<[SignalMoveArgs]>('deny');
