import type { Db } from '../db';
import { createRepairActivities } from './repairs';

export interface ActivityDeps {
  db: Db;
}

/** All I/O the workflows need, built from the clients handed in (real or local). */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createRepairActivities(deps),
  };
}

export type RepairActivities = ReturnType<typeof createActivities>;
