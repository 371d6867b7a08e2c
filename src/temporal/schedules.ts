import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import type { Config } from '../config';
import { keys } from '../domain/keys';
import type { DailyDigestInput } from '../workflows/digest';
import type { CleanupInput } from '../workflows/housekeeping';

export const SCHEDULE_NAMES = { digest: 'daily-digest', cleanup: 'delivery-log-cleanup' } as const;

const hourMinute = (hhmm: string) => {
  const [hour, minute] = hhmm.split(':').map(Number) as [number, number];
  return { hour, minute };
};

/** The schedules this deployment keeps, built from configuration (ids carry SCHEDULE_ID_PREFIX). */
export function scheduleDefinitions(config: Config): ScheduleOptions[] {
  const { schedules: s, notifications: n, temporal } = config;
  const digestInput: DailyDigestInput = {
    timeZone: s.digest.timeZone,
    emailTaskQueue: n.emailTaskQueue,
    maxAttempts: n.maxAttempts,
    retryInitialMs: n.retryInitialMs,
  };
  const cleanupInput: CleanupInput = { retentionMs: s.cleanup.retentionMs, batchSize: s.cleanup.batchSize };
  const digestId = keys.schedule(s.idPrefix, SCHEDULE_NAMES.digest);
  const cleanupId = keys.schedule(s.idPrefix, SCHEDULE_NAMES.cleanup);
  return [
    {
      scheduleId: digestId,
      spec: { calendars: [{ ...hourMinute(s.digest.time), comment: `daily at ${s.digest.time}` }], timezone: s.digest.timeZone },
      action: {
        type: 'startWorkflow',
        workflowType: 'dailyDigestWorkflow',
        workflowId: digestId,
        taskQueue: temporal.taskQueue,
        args: [digestInput],
      },
      // A worker back from an outage still sends the morning's digest, but not yesterday's.
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '6 hours' },
    },
    {
      scheduleId: cleanupId,
      spec: {
        calendars: [
          { dayOfWeek: s.cleanup.weekday, ...hourMinute(s.cleanup.time), comment: `weekly on ${s.cleanup.weekday} at ${s.cleanup.time}` },
        ],
        timezone: 'UTC',
      },
      action: {
        type: 'startWorkflow',
        workflowType: 'cleanupDeliveryLogsWorkflow',
        workflowId: cleanupId,
        taskQueue: temporal.taskQueue,
        args: [cleanupInput],
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
    },
  ];
}

/**
 * Creates the schedules, or brings existing ones in line with the configuration: safe at every
 * worker start, and from several workers at once (a lost create race turns into an update).
 */
export async function ensureSchedules(client: Client, config: Config): Promise<{ created: string[]; updated: string[] }> {
  const created: string[] = [];
  const updated: string[] = [];
  if (!config.schedules.enabled) return { created, updated };
  for (const def of scheduleDefinitions(config)) {
    try {
      await client.schedule.create(def);
      created.push(def.scheduleId);
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      await client.schedule
        .getHandle(def.scheduleId)
        .update((previous) => ({ ...previous, spec: def.spec, action: def.action, policies: def.policies }));
      updated.push(def.scheduleId);
    }
  }
  return { created, updated };
}
