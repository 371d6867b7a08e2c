import { continueAsNew, ParentClosePolicy, proxyActivities, startChild, WorkflowIdReusePolicy, workflowInfo } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { RepairActivities } from '../activities';
import { keys } from '../domain/keys';
import { ANNOUNCEMENT_PAGE_SIZE } from '../domain/notifications/announcements';
import type { DeliveryOptions, DeliveryPlan } from '../domain/notifications/delivery';
import { deliverPlans } from './deliver';
import { deliverNotificationsWorkflow } from './notification';
import { exclusiveLock } from './one-at-a-time';

export interface AnnouncementTotals {
  /** Users who got the announcement's in-app notification. */
  recipients: number;
  pages: number;
  /** Runs of this workflow id, continue-as-new included. */
  runs: number;
  /** Notifications whose email/SMS quiet hours held, delivered by a workflow of their own. */
  heldForQuietHours: number;
}

export interface AnnouncementWorkflowInput {
  announcementId: number;
  delivery: DeliveryOptions;
  pageSize?: number;
  /** Set only by continue-as-new: where the previous run left off, and its counts. */
  resume?: { afterUserId: number; totals: AnnouncementTotals };
}

const { createAnnouncementPage } = proxyActivities<RepairActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** Events one run may reach: far under Temporal's 50k limit, and quick to replay. */
const HISTORY_BUDGET = 1_800;

/**
 * The most events a page like this one can add: each plan may cost one email activity (an SMS
 * over the month's budget falls back to email), plus the page's activity and its SMS batch, each
 * at worst three events of its own and a workflow task of three. So a page of 200 emails runs
 * alone in its run, while pages of in-app only notifications share one.
 */
const pageCostBound = (plans: number) => 6 * (plans + 2) + 30;

/**
 * Tells every active user of an audience (an `announcements` row) by a `system` notification, a
 * page of users at a time: the page's in-app records are created at once, then its email/SMS go
 * through the same rules as a repair's (preferences, quiet hours, URGENT bypass, the SES rate).
 * Pages go one after the other, so one announcement never floods the email queue that repairs
 * share. Deliveries held by quiet hours go to a workflow of their own per page, so nobody's night
 * holds up everyone after them; the history is kept small by continuing as new between pages.
 */
export async function announcementWorkflow(input: AnnouncementWorkflowInput): Promise<AnnouncementTotals> {
  const { workflowId } = workflowInfo();
  const pageSize = input.pageSize ?? ANNOUNCEMENT_PAGE_SIZE;
  const previous = input.resume?.totals ?? { recipients: 0, pages: 0, runs: 0, heldForQuietHours: 0 };
  const totals: AnnouncementTotals = { ...previous, runs: previous.runs + 1 };
  const serially = exclusiveLock();
  let after = input.resume?.afterUserId ?? 0;
  let costliestPage = 0;

  for (;;) {
    const startedAt = workflowInfo().historyLength;
    const page = await createAnnouncementPage(input.announcementId, after, pageSize);
    totals.recipients += page.recipients;
    totals.pages++;
    const handOffKey = keys.announcementHandOff(workflowId, after);
    const handOff = async (held: DeliveryPlan[]) => {
      totals.heldForQuietHours += held.length;
      try {
        await startChild(deliverNotificationsWorkflow, {
          workflowId: handOffKey,
          args: [{ plans: held, ...input.delivery }],
          // It may wait for hours; this workflow goes on (and may continue as new) meanwhile.
          parentClosePolicy: ParentClosePolicy.ABANDON,
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        });
      } catch (err) {
        // Started by an earlier run of this page (a reset history): it is delivering them already.
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
    };
    if (page.plans.length > 0) await deliverPlans(page.plans, { options: input.delivery, serially, handOff });
    if (page.done) return totals;
    after = page.lastUserId;

    const info = workflowInfo();
    costliestPage = Math.max(costliestPage, info.historyLength - startedAt, pageCostBound(page.plans.length));
    if (info.continueAsNewSuggested || info.historyLength + costliestPage > HISTORY_BUDGET) {
      await continueAsNew<typeof announcementWorkflow>({ ...input, resume: { afterUserId: after, totals } });
    }
  }
}
