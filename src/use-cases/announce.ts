import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/client';
import type { Announcement } from '../db/models';
import { audienceSize } from '../db/queries/audience';
import { ConflictError } from '../domain/errors';
import { keys } from '../domain/keys';
import type { Audience } from '../domain/notifications/announcements';
import type { Priority } from '../domain/notifications/types';
import type { AnnouncementWorkflowInput, announcementWorkflow } from '../workflows/announcement';
import { bounded, deliveryOptions, WORKFLOW_CALL_DEADLINE_MS, type UseCaseDeps } from './deps';

export interface AnnouncementDraft {
  title: string;
  message: string;
  priority: Priority;
  audience: Audience;
}

export interface AnnouncementStarted {
  announcementId: number;
  workflowId: string;
  /** The audience's active users now; the workflow reads them page by page as it goes. */
  recipients: number;
}

/** The header a client repeats to make a retried request find the announcement it already made. */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

const sameDraft = (a: Announcement, d: AnnouncementDraft) =>
  a.title === d.title && a.message === d.message && a.priority === d.priority && a.audience === d.audience;

/** The row of this request: new, or the one an earlier request with the same key made. */
async function announcementRow(deps: UseCaseDeps, byUserId: number, draft: AnnouncementDraft, key?: string): Promise<Announcement> {
  const { Announcement } = deps.db.models;
  if (key === undefined) return Announcement.query().insert({ ...draft, createdBy: byUserId });
  // Two identical requests at once: the unique key lets one insert, and the other reads its row.
  const inserted: { id: number }[] = await deps.db
    .knex('announcements')
    .insert({ ...draft, createdBy: byUserId, idempotencyKey: key })
    .onConflict(['createdBy', 'idempotencyKey'])
    .ignore()
    .returning('id');
  const row = inserted[0]
    ? await Announcement.query().findById(inserted[0].id)
    : await Announcement.query().findOne({ createdBy: byUserId, idempotencyKey: key });
  if (!row || !sameDraft(row, draft)) {
    throw new ConflictError(`${IDEMPOTENCY_HEADER} "${key}" was already used for a different announcement`, {
      [IDEMPOTENCY_HEADER]: 'was already used for a different announcement',
    });
  }
  return row;
}

/**
 * Announces to an audience: the row first (its id keys the workflow and every recipient's
 * notification), then its workflow. When Temporal does not answer in time the caller gets 503;
 * repeating the request with the same idempotency key starts the workflow of the same row.
 */
export async function announce(
  deps: UseCaseDeps,
  byUserId: number,
  draft: AnnouncementDraft,
  idempotencyKey?: string,
): Promise<AnnouncementStarted> {
  const row = await announcementRow(deps, byUserId, draft, idempotencyKey);
  const workflowId = keys.announcementWorkflow(row.id);
  const input: AnnouncementWorkflowInput = { announcementId: row.id, delivery: deliveryOptions(deps.config) };
  try {
    await bounded(deps, WORKFLOW_CALL_DEADLINE_MS, () =>
      deps.temporal.client.workflow.start<typeof announcementWorkflow>('announcementWorkflow', {
        workflowId,
        taskQueue: deps.config.temporal.taskQueue,
        args: [input],
        // Also once it has finished: a repeated request must not announce again.
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      }),
    );
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  return { announcementId: row.id, workflowId, recipients: await audienceSize(deps.db.knex, draft.audience) };
}
