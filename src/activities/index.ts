import { createAccountActivities } from './accounts';
import { createAnnouncementActivities } from './announcements';
import { createDeliveryActivities } from './deliveries';
import { createDigestActivities } from './digests';
import { createHousekeepingActivities } from './housekeeping';
import { createNotificationActivities } from './notifications';
import type { MoveCommand, MoveResult } from '../domain/moves';
import { createRepairActivities } from './repairs';
import { createRepairEditActivities } from './repair-edits';
import type { ActivityDeps } from './deps';

export type { ActivityDeps };

/** All I/O the workflows need, built from the clients handed in (real or local). */
export function createActivities(deps: ActivityDeps) {
  const repairs = createRepairActivities(deps);
  const notifications = createNotificationActivities(deps);
  return {
    ...repairs,
    ...notifications,
    ...createDeliveryActivities(deps),
    ...createDigestActivities(deps),
    ...createHousekeepingActivities(deps),
    ...createAnnouncementActivities(deps),
    ...createAccountActivities(deps),
    ...createRepairEditActivities(deps),
    /**
     * A move, then the notifications of the events after `afterEventId` (the move's own, and any
     * recorded meanwhile), in the one activity: the workflow answers the move and starts the
     * deliveries in the same workflow task. Both halves are idempotent, so a retry repeats neither.
     */
    async recordMove(cmd: MoveCommand, afterEventId: number): Promise<MoveResult> {
      const record = await repairs.recordMove(cmd);
      return { record, ...(await notifications.dispatchRepairEvents(cmd.repairId, afterEventId)) };
    },
  };
}

export type RepairActivities = ReturnType<typeof createActivities>;
