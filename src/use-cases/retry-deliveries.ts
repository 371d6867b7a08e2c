import { ConflictError, NotFoundError } from '../domain/errors';
import type { UseCaseDeps } from './deps';
import { retryDelivery } from './retry-delivery';

export type BulkRetryResult =
  | { id: number; status: 'started'; workflowId: string }
  | { id: number; status: 'refused'; reason: string }
  | { id: number; status: 'not_found' };

/** Retries at once: enough to overlap Temporal round trips, few enough to leave the API's pool to others. */
const PARALLEL = 4;

/**
 * The admin retry of each of several delivery logs, with its rules and its answers per log (a
 * refusal is the single retry's 409 message). Two failed logs of one notification and channel are
 * not both retried: the first would not have claimed its send yet when the second is checked, so
 * both would pass the "in progress" rule. Anything but a refusal (Temporal unavailable) stops the
 * run and is thrown once the retries under way have answered; repeating the request is safe, as
 * the logs already retried are refused.
 */
export async function retryDeliveries(deps: UseCaseDeps, ids: number[]): Promise<BulkRetryResult[]> {
  const logs = await deps.db.models.DeliveryLog.query().findByIds(ids).select('id', 'notificationId', 'channel');
  const byId = new Map(logs.map((l) => [l.id, l]));
  const groups = new Map<string, number[]>();
  for (const id of ids) {
    const log = byId.get(id);
    const key = log ? `${log.notificationId}/${log.channel}` : `missing/${id}`;
    groups.set(key, [...(groups.get(key) ?? []), id]);
  }

  const results = new Map<number, BulkRetryResult>();
  let failure: { error: unknown } | undefined;
  const retryGroup = async (group: number[]) => {
    let startedBy: number | undefined;
    for (const id of group) {
      if (failure) return;
      if (startedBy !== undefined) {
        const reason = `Delivery log ${startedBy} of the same notification and channel is retried by this request`;
        results.set(id, { id, status: 'refused', reason });
        continue;
      }
      try {
        results.set(id, { id, status: 'started', ...(await retryDelivery(deps, id)) });
        startedBy = id;
      } catch (err) {
        if (err instanceof NotFoundError) results.set(id, { id, status: 'not_found' });
        else if (err instanceof ConflictError) results.set(id, { id, status: 'refused', reason: err.message });
        else failure ??= { error: err };
      }
    }
  };
  const queue = [...groups.values()];
  await Promise.all(
    Array.from({ length: Math.min(PARALLEL, queue.length) }, async () => {
      for (let group = queue.shift(); group && !failure; group = queue.shift()) await retryGroup(group);
    }),
  );
  if (failure) throw failure.error;
  return ids.map((id) => results.get(id)!);
}
