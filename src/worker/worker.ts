import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { Config } from '../config';
import type { Db } from '../db';
import { createActivities, type RepairActivities } from '../activities';

export interface WorkerDeps {
  config: Config;
  connection: NativeConnection;
  db: Db;
  /** Pre-bundled workflow code (tests share one bundle; `npm run build` writes one for production). */
  workflowBundle?: { code: string };
  /** Replaces the activities built from `db` (tests wrap the real ones to inject faults). */
  activities?: RepairActivities;
}

const PREBUILT_BUNDLE = path.join(__dirname, '..', '..', 'workflow-bundle.js');

export function workflowSource(bundle?: { code: string }): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  if (bundle) return { workflowBundle: bundle };
  if (existsSync(PREBUILT_BUNDLE)) return { workflowBundle: { codePath: PREBUILT_BUNDLE } };
  return { workflowsPath: require.resolve('../workflows') };
}

export function createRepairWorker({ config, connection, db, workflowBundle, activities }: WorkerDeps): Promise<Worker> {
  return Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    ...workflowSource(workflowBundle),
    activities: activities ?? createActivities({ db }),
  });
}
