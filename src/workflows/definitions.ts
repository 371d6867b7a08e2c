import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery } from '@temporalio/workflow';
import type { RepairStatus } from '../domain/repair';

/**
 * Everything a client and a workflow must agree on: search attributes, queries, signals, updates.
 * Workflow-safe (no I/O), so the API, the worker and the workflow bundle all import it.
 */
export const SA = {
  RepairStatus: defineSearchAttributeKey('RepairStatus', SearchAttributeType.KEYWORD),
  CustomerId: defineSearchAttributeKey('CustomerId', SearchAttributeType.INT),
  TechnicianId: defineSearchAttributeKey('TechnicianId', SearchAttributeType.INT),
  UnitNumber: defineSearchAttributeKey('UnitNumber', SearchAttributeType.KEYWORD),
} as const;

export const ALL_SEARCH_ATTRIBUTES = Object.values(SA);

export interface RepairWorkflowInput {
  repairId: number;
  customerId: number;
  unitNumber: string;
  status: Extract<RepairStatus, 'REQUESTED' | 'PENDING'>;
  technicianId: number | null;
  /** How long to wait before asking again when no technician is active. */
  assignmentRetryMs: number;
}

export interface RepairWorkflowState {
  repairId: number;
  status: RepairStatus;
  technicianId: number | null;
}

export const stateQuery = defineQuery<RepairWorkflowState>('state');
