import type { EventType } from './events';
import type { Move } from './lifecycle';

/**
 * Every idempotency key the system derives, in one place. Each is built from facts that stay the
 * same when work is repeated (a retried activity, a replayed workflow, a second click), never from
 * a clock or a counter outside the workflow, so a repeat finds the first one's trace and writes
 * nothing twice. Changing a format changes what running repairs look for: treat it as a migration.
 */
export const keys = {
  /** A repair's workflow: Temporal refuses a second start, so a repair is orchestrated once. */
  repairWorkflow: (repairId: number) => `repair-${repairId}`,

  /**
   * A move of a repair (its history row's `move_id`): the n-th move the workflow ran. A retried
   * move activity finds its row and writes nothing again. n = 0 is the creation.
   */
  move: (repairWorkflowId: string, n: number, move: Move | 'create') => `${repairWorkflowId}/${n}-${move}`,
  /** The n-th edit the workflow ran (`repair_edits.edit_id`): a retried edit activity writes nothing again. */
  edit: (repairWorkflowId: string, n: number) => `${repairWorkflowId}/edit-${n}`,
  /** The workflow's own pick of a technician: retried or replayed, it assigns once. */
  autoAssign: (repairWorkflowId: string) => `${repairWorkflowId}/auto-assign`,

  /** An event a move or an assignment caused (`notification_events.dedupe_key`): one per move and type. */
  moveEvent: (moveId: string, type: EventType) => `${moveId}/${type}`,
  /** One notice per batch decision and technician, however many of the batch's repairs they hold. */
  batchEvent: (batchId: string, type: 'batch_approved' | 'batch_denied', technicianId: number | null) =>
    `batch/${batchId}/${type}/${technicianId}`,
  /** The k-th PENDING stretch's reminder and escalation: once each, even across worker restarts. */
  pendingReminder: (repairWorkflowId: string, round: number) => `${repairWorkflowId}/pending-${round}/reminder`,
  pendingEscalation: (repairWorkflowId: string, round: number) => `${repairWorkflowId}/pending-${round}/escalation`,

  /** Deliveries handed to a workflow of their own (quiet hours, a large fleet): one per dispatch. */
  deliveryHandOff: (repairWorkflowId: string, watermark: number) => `${repairWorkflowId}/notifications-${watermark}`,
  /** An admin's retry (or a re-drive) of one failed delivery log: a second click starts nothing new. */
  deliveryRetry: (notificationId: number, channel: string, logId: number) => `notification-${notificationId}-${channel}-retry-${logId}`,
  /** The delivery of an account message (password reset, verification code): one workflow per notification. */
  accountMessage: (notificationId: number) => `notification-${notificationId}-account`,
  /**
   * One password-reset request (public or an admin's): its workflow, and the key its activity
   * stores with the token, so a retry issues nothing new. The request id is drawn once, by the API.
   */
  passwordReset: (requestId: string) => `password-reset-${requestId}`,

  /** An announcement's workflow; its continuations keep the id, and a second start is refused. */
  announcementWorkflow: (announcementId: number) => `announcement-${announcementId}`,
  /** The deliveries of one page of an announcement that quiet hours hold, handed off once per page. */
  announcementHandOff: (announcementWorkflowId: string, afterUserId: number) => `${announcementWorkflowId}/held-after-${afterUserId}`,

  /**
   * Who holds a digest claim (`notification_digests.claimed_by`): the activity's run and id, the same
   * on each of its retries, so an attempt tells its own predecessor's claim (unknown outcome, never
   * re-sent) from another run's claim in flight.
   */
  digestClaimOwner: (workflowId: string | undefined, runId: string | undefined, activityId: string) =>
    `${workflowId}/${runId}/${activityId}`,

  /**
   * A schedule of this deployment, and the id of the workflow each of its runs starts: created once
   * (a second create becomes an update), and a run still going makes the next one skip, not double.
   */
  schedule: (idPrefix: string, name: string) => `${idPrefix}${name}`,

  /** Points for a completed repair (`reward_points.ref`): awarded once per repair. */
  repairPoints: (repairId: number) => `repair:${repairId}:completed`,
  /** Both sides' points for a referral (`reward_points.ref`): a user is referred, and credited, once. */
  referralPoints: (referredUserId: number, side: 'referrer' | 'referred') => `referral:${referredUserId}:${side}`,
  /** The debit of a redemption (`reward_points.ref`): one per redemption. */
  redemptionPoints: (redemptionId: number) => `redemption:${redemptionId}`,

  /** PostgreSQL advisory-lock names (hashed with `hashtext`, unless said otherwise): who waits for whom. */
  locks: {
    /** Completions of one unit: two cannot both be "the first" for pricing. */
    unitPricing: (customerId: number, unitNumber: string) => `unit:${customerId}:${unitNumber}`,
    /** A customer's redemptions: two completions cannot apply the same one. */
    customerRewards: (customerId: number) => `rewards:${customerId}`,
    /** A user's redemptions: two requests cannot both spend the same points. */
    userPoints: (userId: number) => `points:${userId}`,
    /** A template's versions: a new version's number and the one active version are decided in turn. */
    templateVersions: (name: string) => `template:${name}`,
    /** A month's SMS spend: "is there room?" and "claim it" are one step for the batches checking it. */
    smsBudget: (monthStart: Date) => `sms-budget:${monthStart.toISOString().slice(0, 7)}`,
    /** Folding the notification count deltas into one row: one fold at a time (readers never wait for it). */
    notificationCounts: 'notification-counts',
    /** Automatic assignments (a fixed bigint, not hashed): concurrent picks see each other's load. */
    assignment: 0x5245_5041, // "REPA"
    /**
     * Start-up steps (migrations, demo seed) of every process, in turn: a session lock of two int4
     * keys, a key space the one-bigint transaction locks above never meet.
     */
    startup: [0x72737973, 1] as const, // 'rsys', 1
  },
} as const;
