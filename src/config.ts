import path from 'node:path';
import { z } from 'zod';
import { isValidTimeZone } from './domain/notifications/quiet-hours';
import type { PortalUrls } from './domain/portals';
import type { RewardRules } from './domain/rewards';

/** Where SNS signing certificates and subscription URLs come from. */
const SNS_HOSTS = '^sns\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?$';

const WEEKDAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] as const;

/**
 * The one place that reads the environment. Everything else receives a `Config`.
 * A bad value stops start-up with an error naming the variable, never a half-configured process.
 */

const PROJECT_ROOT = path.resolve(__dirname, '..', ...(path.basename(path.dirname(__dirname)) === 'dist' ? ['..'] : []));

const DURATION_RE = /^(\d+)(ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "250ms", "30s", "24h", "3d" → milliseconds. */
const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .pipe(z.string().regex(DURATION_RE, 'must be a duration such as 500ms, 30s, 15m, 24h or 3d'))
    .transform((v) => {
      const [, n, unit] = DURATION_RE.exec(v) as RegExpExecArray;
      return Number(n) * (UNIT_MS[unit as string] as number);
    })
    .refine((ms) => ms > 0, 'must be longer than zero');

const port = z.coerce.number().int('must be a whole number').min(1, 'must be 1-65535').max(65535, 'must be 1-65535');
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

// Links in emails and SMS: a mailto: or javascript: base would make every one of them useless.
const portalUrl = optionalText.pipe(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional());
const withoutSlash = (url: string): string => url.replace(/\/+$/, '');

const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: port.default(3000),
    BODY_LIMIT_KB: z.coerce.number().int().min(1).max(10_240).default(100),
    DATA_DIR: z.string().min(1).default(path.join(PROJECT_ROOT, 'data')),
    MIGRATE_ON_START: bool.default(true),
    // Open workflows beyond the cache are replayed from history on their next task (a storm of
    // timers then costs a replay each); unset = the SDK's default, sized from the heap.
    WORKER_MAX_CACHED_WORKFLOWS: optionalText.pipe(
      z.coerce.number<string | undefined>().int('must be a whole number').min(0, 'must be 0 or more').max(1_000_000).optional(),
    ),
    WORKER_METRICS_PORT: optionalText.pipe(
      z.coerce
        .number<string | undefined>()
        .int('must be a whole number')
        .min(1, 'must be 1-65535')
        .max(65535, 'must be 1-65535')
        .optional(),
    ),

    DATABASE_URL: optionalText.pipe(z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// or postgresql:// URL' }).optional()),
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
    EMBEDDED_PG_PORT: port.default(5433),

    TEMPORAL_ADDRESS: optionalText.pipe(
      z
        .string()
        .regex(/^[^\s:/]+:\d{1,5}$/, 'must be host:port, e.g. localhost:7233')
        .optional(),
    ),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    TEMPORAL_TASK_QUEUE: z.string().min(1).default('repairs'),
    TEMPORAL_PORT: port.default(7233),
    TEMPORAL_UI_PORT: port.default(8233),
    TEMPORAL_CLI_PATH: optionalText,

    AUTH_TOKEN_SECRET: optionalText.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
    AUTH_TOKEN_TTL: duration('12h'),
    TRUST_PROXY: bool.default(false),
    METRICS_TOKEN: optionalText.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
    LOGIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).max(1000).default(5),
    LOGIN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).max(100_000).default(50),
    LOGIN_FAILURE_WINDOW: duration('15m'),
    LOGIN_BLOCK_DURATION: duration('15m'),
    EVENTS_HEARTBEAT: duration('25s'),
    EVENTS_RETENTION: duration('7d'),
    PASSWORD_RESET_TTL: duration('1h'),
    VERIFICATION_CODE_TTL: duration('10m'),
    VERIFICATION_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),

    SEED_DEMO_ACCOUNTS: bool.optional(),
    ADMIN_PASSWORD: optionalText,
    ASSIGNMENT_RETRY_PERIOD: duration('30s'),
    APPROVAL_REMINDER_PERIOD: duration('24h'),
    APPROVAL_ESCALATION_PERIOD: duration('72h'),

    NOTIFICATION_TRANSPORT: z.enum(['local', 'aws']).default('local'),
    NOTIFICATION_EMAIL_TASK_QUEUE: z.string().min(1).default('notifications-email'),
    SES_RATE_PER_SECOND: z.coerce.number().positive('must be more than 0').max(10_000).default(14),
    DELIVERY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(3),
    DELIVERY_RETRY_INITIAL: duration('2s'),
    DELIVERY_ATTEMPT_TIMEOUT: duration('30s'),
    DELIVERY_INLINE_MAX: z.coerce.number().int().min(0).max(100_000).default(50),
    EMAIL_FROM: z.string().trim().min(3).default('RS Systems <no-reply@rs-systems.example>'),
    EMAIL_REPLY_TO: optionalText,
    SES_CONFIGURATION_SET: optionalText,
    SMS_SENDER_ID: optionalText,
    SMS_MAX_PRICE_USD: z.coerce.number().positive().max(10).default(0.5),
    SMS_COST_ESTIMATE_USD: z.coerce.number().min(0).max(10).default(0.00645),
    AWS_REGION: optionalText,
    AWS_ENDPOINT_URL: optionalText.pipe(z.url({ error: 'must be a URL such as http://127.0.0.1:5000' }).optional()),
    METRICS_FLUSH_INTERVAL: duration('10s'),
    PUBLIC_APP_URL: z.url({ error: 'must be a URL' }).default('http://127.0.0.1:3000'),
    CUSTOMER_PORTAL_URL: portalUrl,
    TECHNICIAN_PORTAL_URL: portalUrl,
    ADMIN_PORTAL_URL: portalUrl,
    SMS_MONTHLY_BUDGET_USD: z.coerce.number().min(0, 'must be 0 or more').max(1_000_000).default(1),
    ALARM_TOPIC_NAME: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,256}$/, 'must be 1-256 letters, digits, - or _')
      .default('RS-Systems-Notification-Alarms'),
    SES_FEEDBACK_TOPIC_NAME: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,256}$/, 'must be 1-256 letters, digits, - or _')
      .default('RS-Systems-SES-Feedback'),
    SES_FEEDBACK_TOPIC_ARN: optionalText.pipe(
      z
        .string()
        .regex(/^arn:aws[a-z-]*:sns:/, 'must be an SNS topic ARN')
        .optional(),
    ),
    // Empty counts as unset (compose passes every variable): an empty pattern would match any host.
    SNS_CERT_HOST_PATTERN: z
      .string()
      .trim()
      .default(SNS_HOSTS)
      .transform((v) => (v === '' ? SNS_HOSTS : v))
      .pipe(
        z.string().refine((v) => {
          try {
            new RegExp(v);
            return true;
          } catch {
            return false;
          }
        }, 'must be a regular expression'),
      )
      .transform((v) => new RegExp(v)),
    SNS_CERT_CA_FILE: optionalText,

    SCHEDULES_ENABLED: bool.default(true),
    SCHEDULE_ID_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{0,100}$/, 'may hold letters, digits, ., - and _ only')
      .default(''),
    DIGEST_TIME: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM, 24-hour')
      .default('09:00'),
    DIGEST_TIMEZONE: z.string().refine(isValidTimeZone, 'must be an IANA time zone such as America/Chicago').default('UTC'),
    DIGEST_MAX_ITEMS: z.coerce.number().int().min(1).max(500).default(50),
    CLEANUP_WEEKDAY: z.enum(WEEKDAYS, { error: `must be one of ${WEEKDAYS.join(', ')}` }).default('SUNDAY'),
    CLEANUP_TIME: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM, 24-hour')
      .default('02:00'),
    DELIVERY_LOG_RETENTION: duration('90d'),
    CLEANUP_BATCH_SIZE: z.coerce.number().int().min(1).max(100_000).default(5000),

    PHOTO_STORAGE: z.enum(['local', 's3']).default('local'),
    PHOTO_MAX_MB: z.coerce.number().positive('must be more than 0').max(100).default(10),
    PHOTO_S3_BUCKET: optionalText.pipe(
      z
        .string()
        .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name')
        .optional(),
    ),
    PHOTO_S3_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_./-]{0,200}$/, 'may hold letters, digits and _ . / - only')
      .default('repair-photos/'),
    S3_ENDPOINT_URL: optionalText.pipe(z.url({ error: 'must be a URL such as http://127.0.0.1:5000' }).optional()),
    APPROVAL_LINK_TTL: duration('7d'),

    REWARD_POINTS_PER_REPAIR: z.coerce.number().int().min(0).max(100_000).default(10),
    REWARD_REFERRER_POINTS: z.coerce.number().int().min(0).max(100_000).default(50),
    REWARD_REFERRED_POINTS: z.coerce.number().int().min(0).max(100_000).default(25),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && !env.AUTH_TOKEN_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['AUTH_TOKEN_SECRET'], message: 'is required in production' });
    }
    if (env.APPROVAL_ESCALATION_PERIOD <= env.APPROVAL_REMINDER_PERIOD) {
      ctx.addIssue({ code: 'custom', path: ['APPROVAL_ESCALATION_PERIOD'], message: 'must be longer than APPROVAL_REMINDER_PERIOD' });
    }
    if (env.NOTIFICATION_TRANSPORT === 'aws' && !env.AWS_REGION) {
      ctx.addIssue({ code: 'custom', path: ['AWS_REGION'], message: 'is required when NOTIFICATION_TRANSPORT=aws' });
    }
    if (env.PHOTO_STORAGE === 's3' && !env.PHOTO_S3_BUCKET) {
      ctx.addIssue({ code: 'custom', path: ['PHOTO_S3_BUCKET'], message: 'is required when PHOTO_STORAGE=s3' });
    }
    if (env.PHOTO_STORAGE === 's3' && !env.AWS_REGION) {
      ctx.addIssue({ code: 'custom', path: ['AWS_REGION'], message: 'is required when PHOTO_STORAGE=s3' });
    }
    if (env.NODE_ENV === 'production' && env.SEED_DEMO_ACCOUNTS) {
      ctx.addIssue({ code: 'custom', path: ['SEED_DEMO_ACCOUNTS'], message: 'demo accounts are for development only' });
    }
  });

export class ConfigError extends Error {
  constructor(readonly problems: Record<string, string>) {
    super(
      `Invalid configuration:\n${Object.entries(problems)
        .map(([name, why]) => `  ${name}: ${why}`)
        .join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

/**
 * The config's one declaration of shape: the variables above, grouped as the code uses them.
 * `Config` is this transform's output, so a new setting is added here and nowhere else.
 */
const configSchema = envSchema.transform((e) => ({
  env: e.NODE_ENV,
  logLevel: e.LOG_LEVEL,
  dataDir: path.resolve(e.DATA_DIR),
  /** `trustProxy`: take the client address from X-Forwarded-For (only behind a proxy that sets it). */
  http: { host: e.HOST, port: e.PORT, bodyLimitKb: e.BODY_LIMIT_KB, trustProxy: e.TRUST_PROXY, metricsToken: e.METRICS_TOKEN },
  /**
   * `migrateOnStart` false: the process only checks that the schema is current, and refuses to
   * start when it is not (docker-compose's one-shot `migrate` service applies the migrations).
   */
  migrateOnStart: e.MIGRATE_ON_START,
  /** The Temporal SDK's Prometheus exporter of the worker, on HOST:port; absent = off. */
  worker: { metricsPort: e.WORKER_METRICS_PORT, maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS },
  /** `url` absent means: start the embedded PostgreSQL (development). */
  database: { url: e.DATABASE_URL, poolMax: e.DATABASE_POOL_MAX, embeddedPort: e.EMBEDDED_PG_PORT },
  /** `address` absent means: start the embedded Temporal dev server (development). */
  temporal: {
    address: e.TEMPORAL_ADDRESS,
    namespace: e.TEMPORAL_NAMESPACE,
    taskQueue: e.TEMPORAL_TASK_QUEUE,
    port: e.TEMPORAL_PORT,
    uiPort: e.TEMPORAL_UI_PORT,
    cliPath: e.TEMPORAL_CLI_PATH,
  },
  auth: {
    tokenSecret: e.AUTH_TOKEN_SECRET,
    tokenTtlMs: e.AUTH_TOKEN_TTL,
    /** Failed logins allowed per account and per client address within the window, then a block. */
    login: {
      maxFailuresPerAccount: e.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      maxFailuresPerAddress: e.LOGIN_MAX_FAILURES_PER_ADDRESS,
      windowMs: e.LOGIN_FAILURE_WINDOW,
      blockMs: e.LOGIN_BLOCK_DURATION,
    },
    passwordResetTtlMs: e.PASSWORD_RESET_TTL,
    verification: { codeTtlMs: e.VERIFICATION_CODE_TTL, maxAttempts: e.VERIFICATION_MAX_ATTEMPTS },
  },
  /** GET /api/events: the comment line that keeps proxies from closing idle streams, and how long events stay for replay. */
  events: { heartbeatMs: e.EVENTS_HEARTBEAT, retentionMs: e.EVENTS_RETENTION },
  seedDemoAccounts: e.SEED_DEMO_ACCOUNTS ?? e.NODE_ENV === 'development',
  /** Read by `ops:create-admin` only (otherwise it asks on stdin); never logged. */
  ops: { adminPassword: e.ADMIN_PASSWORD },
  repairs: {
    assignmentRetryMs: e.ASSIGNMENT_RETRY_PERIOD,
    approvalReminderMs: e.APPROVAL_REMINDER_PERIOD,
    approvalEscalationMs: e.APPROVAL_ESCALATION_PERIOD,
  },
  notifications: {
    transport: e.NOTIFICATION_TRANSPORT,
    emailTaskQueue: e.NOTIFICATION_EMAIL_TASK_QUEUE,
    sesRatePerSecond: e.SES_RATE_PER_SECOND,
    maxAttempts: e.DELIVERY_MAX_ATTEMPTS,
    retryInitialMs: e.DELIVERY_RETRY_INITIAL,
    attemptTimeoutMs: e.DELIVERY_ATTEMPT_TIMEOUT,
    /** Dispatches with more recipients than this go to a delivery workflow of their own. */
    inlineMax: e.DELIVERY_INLINE_MAX,
    emailFrom: e.EMAIL_FROM,
    emailReplyTo: e.EMAIL_REPLY_TO,
    sesConfigurationSet: e.SES_CONFIGURATION_SET,
    smsSenderId: e.SMS_SENDER_ID,
    smsMaxPriceUsd: e.SMS_MAX_PRICE_USD,
    smsCostEstimateUsd: e.SMS_COST_ESTIMATE_USD,
    metricsFlushMs: e.METRICS_FLUSH_INTERVAL,
    appUrl: e.PUBLIC_APP_URL.replace(/\/$/, ''),
    /** Each role's portal, for the links in its notifications; unset, the one PUBLIC_APP_URL. */
    portals: {
      customer: withoutSlash(e.CUSTOMER_PORTAL_URL ?? e.PUBLIC_APP_URL),
      technician: withoutSlash(e.TECHNICIAN_PORTAL_URL ?? e.PUBLIC_APP_URL),
      admin: withoutSlash(e.ADMIN_PORTAL_URL ?? e.PUBLIC_APP_URL),
    } satisfies PortalUrls,
    smsMonthlyBudgetUsd: e.SMS_MONTHLY_BUDGET_USD,
    alarmTopicName: e.ALARM_TOPIC_NAME,
  },
  /**
   * SES bounce/complaint/delivery events over SNS. `certHostPattern`: hosts an SNS certificate or
   * subscription URL may come from; `certCaFile`: extra CA to trust for them (tests, on loopback);
   * `topicArn`: when set, messages of any other topic are refused.
   */
  sesFeedback: {
    topicName: e.SES_FEEDBACK_TOPIC_NAME,
    topicArn: e.SES_FEEDBACK_TOPIC_ARN,
    certHostPattern: e.SNS_CERT_HOST_PATTERN,
    certCaFile: e.SNS_CERT_CA_FILE,
  },
  /** Temporal Schedules the worker keeps in place (ids prefixed, so several deployments can share a namespace). */
  schedules: {
    enabled: e.SCHEDULES_ENABLED,
    idPrefix: e.SCHEDULE_ID_PREFIX,
    /** `time` is on each user's own clock; `defaultTimeZone` (DIGEST_TIMEZONE) is the clock of users who set no zone. */
    digest: { time: e.DIGEST_TIME, defaultTimeZone: e.DIGEST_TIMEZONE, maxItems: e.DIGEST_MAX_ITEMS },
    cleanup: { weekday: e.CLEANUP_WEEKDAY, time: e.CLEANUP_TIME, retentionMs: e.DELIVERY_LOG_RETENTION, batchSize: e.CLEANUP_BATCH_SIZE },
  },
  aws: { region: e.AWS_REGION, endpoint: e.AWS_ENDPOINT_URL },
  /** Repair photos: `local` keeps them under DATA_DIR/photos; `s3` in the bucket (S3_ENDPOINT_URL or AWS_ENDPOINT_URL for an emulator). */
  photos: {
    storage: e.PHOTO_STORAGE,
    maxBytes: Math.round(e.PHOTO_MAX_MB * 1024 * 1024),
    s3: { bucket: e.PHOTO_S3_BUCKET, prefix: e.PHOTO_S3_PREFIX, endpoint: e.S3_ENDPOINT_URL ?? e.AWS_ENDPOINT_URL },
  },
  /** How long an approve-from-the-message link works at most (it dies earlier when the repair leaves PENDING). */
  approvalLinkTtlMs: e.APPROVAL_LINK_TTL,
  rewards: {
    pointsPerCompletedRepair: e.REWARD_POINTS_PER_REPAIR,
    referrerPoints: e.REWARD_REFERRER_POINTS,
    referredPoints: e.REWARD_REFERRED_POINTS,
  } satisfies RewardRules,
}));

export type Config = z.output<typeof configSchema>;

/** Builds the config from an environment-shaped record (defaults to `process.env`). */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const parsed = configSchema.safeParse(source);
  if (!parsed.success) {
    const problems: Record<string, string> = {};
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? 'environment');
      // Never echo the value: some variables are secrets.
      problems[name] ??= issue.message;
    }
    throw new ConfigError(problems);
  }
  return Object.freeze(parsed.data);
}

export const projectRoot = PROJECT_ROOT;

/** Every environment variable the service reads (documented in .env.example). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(envSchema.shape);
