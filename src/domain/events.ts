/**
 * Everything people are told about a repair, as the spec's notification table lists it.
 * Moves record these events (in the same transaction) for the notification system to deliver.
 */
export const EVENT_RULES = {
  approval_requested: { recipients: 'customer_users', priority: 'HIGH', category: 'approval' },
  repair_approved: { recipients: 'technician', priority: 'URGENT', category: 'approval' },
  repair_denied: { recipients: 'technician', priority: 'URGENT', category: 'approval' },
  technician_assigned: { recipients: 'technician', priority: 'HIGH', category: 'assignment' },
  technician_unassigned: { recipients: 'previous_technician', priority: 'MEDIUM', category: 'assignment' },
  work_started: { recipients: 'customer_users', priority: 'MEDIUM', category: 'repair_status' },
  work_completed: { recipients: 'customer_users', priority: 'HIGH', category: 'repair_status' },
  batch_approved: { recipients: 'technician', priority: 'URGENT', category: 'approval' },
  batch_denied: { recipients: 'technician', priority: 'URGENT', category: 'approval' },
  reward_applied: { recipients: 'technician', priority: 'MEDIUM', category: 'reward' },
  approval_reminder: { recipients: 'customer_users', priority: 'HIGH', category: 'approval' },
  approval_escalation: { recipients: 'admins', priority: 'HIGH', category: 'approval' },
} as const;

export type EventType = keyof typeof EVENT_RULES;

export interface EventDraft {
  /** Unique per real-world occurrence: a retry or a second batch member writes nothing new. */
  dedupeKey: string;
  type: EventType;
  repairId: number;
  payload: Record<string, unknown>;
}

/** An event that is not a move (approval reminder, escalation), recorded once under its key. */
export interface EventCommand {
  dedupeKey: string;
  type: EventType;
  repairId: number;
}
