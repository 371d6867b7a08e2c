import type { Db } from '../db';
import type { RewardRules } from '../domain/rewards';
import { createDigestActivities } from './digests';
import { createHousekeepingActivities } from './housekeeping';
import { createNotificationActivities } from './notifications';
import { createRepairActivities } from './repairs';
import type { Metrics } from './transports/metrics';
import type { Transport } from './transports/types';

export interface ActivityDeps {
  db: Db;
  transport: Transport;
  metrics: Metrics;
  /** Base URL of the portals, for links in notifications. */
  appUrl: string;
  rewards: RewardRules;
  /** Non-urgent SMS stop once this month's estimated spend would pass `monthlyUsd`. */
  smsBudget: { monthlyUsd: number; costEstimateUsd: number };
  /** How many notifications one digest lists at most (the rest are counted). */
  digest: { maxItems: number };
}

/** All I/O the workflows need, built from the clients handed in (real or local). */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createRepairActivities(deps),
    ...createNotificationActivities(deps),
    ...createDigestActivities(deps),
    ...createHousekeepingActivities(deps),
  };
}

export type RepairActivities = ReturnType<typeof createActivities>;
