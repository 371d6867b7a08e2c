import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { Config } from '../config';
import type { Db } from '../db';
import type { Logger } from '../logger';
import { createActivities, type ActivityDeps, type RepairActivities } from '../activities';
import { createAwsTransport } from '../transports/aws';
import { createAwsClients, type AwsClients } from '../transports/clients';
import { createLocalTransport } from '../transports/local';
import { createCloudWatchMetrics, createLoggingMetrics, metric } from '../transports/metrics';
import { deliveryBacklog } from '../db/queries/backlog';
import type { Transport } from '../transports/types';

export interface WorkerDeps {
  config: Config;
  connection: NativeConnection;
  db: Db;
  logger: Logger;
  /** Pre-bundled workflow code (tests share one bundle; `npm run build` writes one for production). */
  workflowBundle?: { code: string };
  /** Replaces the activities built from config (tests wrap the real ones to inject faults). */
  activities?: (real: RepairActivities) => RepairActivities;
  /** Wraps the configured transport (tests inject provider failures). */
  wrapTransport?: (real: Transport) => Transport;
}

const PREBUILT_BUNDLE = path.join(__dirname, '..', '..', 'workflow-bundle.js');

export function workflowSource(bundle?: { code: string }): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  if (bundle) return { workflowBundle: bundle };
  if (existsSync(PREBUILT_BUNDLE)) return { workflowBundle: { codePath: PREBUILT_BUNDLE } };
  return { workflowsPath: require.resolve('../workflows') };
}

/** SES/SNS sending as configured (the worker's, and the ops commands' test messages). */
export function awsTransportFromConfig(config: Config, clients: Pick<AwsClients, 'ses' | 'sns'>): Transport {
  const n = config.notifications;
  return createAwsTransport({
    ses: clients.ses,
    sns: clients.sns,
    fromAddress: n.emailFrom,
    replyTo: n.emailReplyTo,
    configurationSet: n.sesConfigurationSet,
    smsSenderId: n.smsSenderId,
    smsMaxPriceUsd: n.smsMaxPriceUsd,
    smsCostEstimateUsd: n.smsCostEstimateUsd,
  });
}

/** The transport and metrics the configuration asks for: real AWS clients, or the local outbox. */
export function activityDeps(config: Config, db: Db, logger: Logger): ActivityDeps & { close(): Promise<void> } {
  const n = config.notifications;
  const common = {
    db,
    portals: n.portals,
    rewards: config.rewards,
    smsBudget: { monthlyUsd: n.smsMonthlyBudgetUsd, costEstimateUsd: n.smsCostEstimateUsd },
    passwordResetTtlMs: config.auth.passwordResetTtlMs,
    approvalLinkTtlMs: config.approvalLinkTtlMs,
    emailPacing: { perSecond: n.sesRatePerSecond },
    digest: { maxItems: config.schedules.digest.maxItems },
  };
  if (n.transport === 'aws') {
    const clients = createAwsClients({ region: config.aws.region as string, endpoint: config.aws.endpoint });
    const metrics = createCloudWatchMetrics({
      cloudwatch: clients.cloudwatch,
      flushIntervalMs: n.metricsFlushMs,
      onError: (err) => logger.warn({ err }, 'CloudWatch metrics dropped'),
    });
    const transport = awsTransportFromConfig(config, clients);
    // The backlog alarm needs a gauge: sampled here, at the pace metrics are sent. The heartbeat
    // goes first and without the database: it says the worker process runs, whatever else fails.
    const sampler = setInterval(() => {
      metrics.record(metric.heartbeat());
      deliveryBacklog(db.knex).then(
        (count) => metrics.record(metric.backlog(count)),
        (err: unknown) => logger.warn({ err }, 'delivery backlog not sampled'),
      );
    }, n.metricsFlushMs);
    sampler.unref();
    return {
      ...common,
      transport,
      metrics,
      close: () => {
        clearInterval(sampler);
        return metrics.close();
      },
    };
  }
  const metrics = createLoggingMetrics((d) => logger.debug({ metric: d }, 'metric'));
  return { ...common, transport: createLocalTransport(db), metrics, close: () => metrics.close() };
}

/**
 * How long a stopping worker lets its in-flight tasks finish. With none, a local activity cut off
 * mid-run left its workflow task to time out (10 s) before another worker could go on, and the
 * moves waiting behind it answered 503 (found by the concurrency property's worker restarts).
 */
const SHUTDOWN_GRACE = '10 seconds';

export interface Workers {
  run(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * Two workers in one process: the repairs task queue (workflows and most activities), and the
 * email queue. Every email takes its start time from the SES schedule all workers share
 * (src/activities/email-pacing.ts), which holds the quota per second; the queue's own rate limit
 * (on activity dispatch) stays as a first, coarser bound for the one-email activities.
 */
export async function createWorkers(deps: WorkerDeps): Promise<Workers> {
  const { config, connection } = deps;
  const built = activityDeps(config, deps.db, deps.logger);
  if (deps.wrapTransport) built.transport = deps.wrapTransport(built.transport);
  const real = createActivities(built);
  const activities = deps.activities ? deps.activities(real) : real;
  const repairs = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    ...workflowSource(deps.workflowBundle),
    activities,
    shutdownGraceTime: SHUTDOWN_GRACE,
    ...(config.worker.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: config.worker.maxCachedWorkflows } : {}),
  });
  const email = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.notifications.emailTaskQueue,
    activities: { sendEmail: activities.sendEmail, sendEmailBatch: activities.sendEmailBatch, sendDigest: activities.sendDigest },
    maxTaskQueueActivitiesPerSecond: config.notifications.sesRatePerSecond,
    shutdownGraceTime: SHUTDOWN_GRACE,
  });
  let running: Promise<void> | undefined;
  return {
    run() {
      running ??= Promise.all([repairs.run(), email.run()]).then(() => undefined);
      return running;
    },
    async shutdown() {
      for (const w of [repairs, email]) if (w.getState() === 'RUNNING') w.shutdown();
      await running;
      await built.close();
    },
  };
}
