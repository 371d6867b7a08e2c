import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import type { Config } from '../config';
import { keys } from '../domain/keys';
import type { LocalDigestInput } from '../workflows/local-digest';
import type { CleanupInput } from '../workflows/housekeeping';

export const SCHEDULE_NAMES = { digest: 'daily-digest', cleanup: 'delivery-log-cleanup' } as const;

const hourMinute = (hhmm: string) => {
  const [hour, minute] = hhmm.split(':').map(Number) as [number, number];
  return { hour, minute };
};

/** The rest of a local day after the digest time (at least an hour): how late a missed run may still start. */
export function digestCatchupMinutes(time: string): number {
  const { hour, minute } = hourMinute(time);
  return Math.max(60, 24 * 60 - hour * 60 - minute);
}

/** The schedules this deployment keeps, built from configuration (ids carry SCHEDULE_ID_PREFIX). */
export function scheduleDefinitions(config: Config): ScheduleOptions[] {
  const { schedules: s, notifications: n, temporal } = config;
  const digestInput: LocalDigestInput = {
    time: s.digest.time,
    defaultTimeZone: s.digest.defaultTimeZone,
    emailTaskQueue: n.emailTaskQueue,
    maxAttempts: n.maxAttempts,
    retryInitialMs: n.retryInitialMs,
  };
  const cleanupInput: CleanupInput = { retentionMs: s.cleanup.retentionMs, batchSize: s.cleanup.batchSize };
  const digestId = keys.schedule(s.idPrefix, SCHEDULE_NAMES.digest);
  const cleanupId = keys.schedule(s.idPrefix, SCHEDULE_NAMES.cleanup);
  return [
    {
      // One schedule for every zone: each hour's run sends the digests of the users whose own clock
      // reaches DIGEST_TIME within it (the id is the old daily one's, so it is updated in place).
      scheduleId: digestId,
      spec: {
        calendars: [{ hour: '*', minute: 0, comment: `hourly: digests due at ${s.digest.time} local time` }],
        timezone: 'UTC',
      },
      action: {
        type: 'startWorkflow',
        workflowType: 'localDigestWorkflow',
        workflowId: digestId,
        taskQueue: temporal.taskQueue,
        args: [digestInput],
      },
      // A run still going when the next is due (a worker down, a big hour) holds the next one back
      // rather than dropping its zones. Missed while the server was down: caught up until the day
      // that run served has ended everywhere (each run also skips any zone already past midnight).
      policies: { overlap: ScheduleOverlapPolicy.BUFFER_ALL, catchupWindow: `${digestCatchupMinutes(s.digest.time)} minutes` },
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
