import { parseArgs } from 'node:util';
import { createAwsClients } from '../transports/clients';
import { DEFAULT_NAMESPACE } from '../transports/metrics';
import { ConfigError, loadConfig, type Config } from '../config';
import { createDb, migrateLatest } from '../db';
import { EMBEDDED_DATABASE, embeddedDatabaseUrl } from '../embedded/postgres-url';
import { createAdmin } from '../use-cases/create-admin';
import { isDomainError } from '../domain/errors';
import { createTemporalClient } from '../temporal/client';
import { redriveFailed } from '../use-cases/redrive';
import { awsTransportFromConfig } from '../worker/worker';
import { provisionAlarms } from './alarms';
import { provisionSesFeedback } from './ses-feedback';
import { readStdinSecret } from './secret-input';
import { OpsUsageError, sendTestEmail, sendTestSms } from './test-message';

/**
 * Operators' commands (`npm run ops:<command> -- --help`). Configuration comes from the same
 * environment as the service. Exit codes: 0 done, 1 failed, 2 usage or configuration error.
 */
const USAGE: Record<string, string> = {
  'test-email': `Send a test email through SES (NOTIFICATION_TRANSPORT=aws).
Usage: npm run ops:test-email -- --to <address>`,
  'test-sms': `Send a test SMS through SNS (NOTIFICATION_TRANSPORT=aws).
Usage: npm run ops:test-sms -- --to <+E.164 number>`,
  alarms: `Create the alarm SNS topic (ALARM_TOPIC_NAME) and put the seven CloudWatch alarms of the
monitoring plan (email failure rate > 5%, SMS cost > $20/hour, deliveries due but none delivered
for 5 minutes, no worker heartbeat for 5 minutes, backlog > 1000, latency > 30 s, error rate > 10%).
With SES_CONFIGURATION_SET and an https PUBLIC_APP_URL, also route the set's bounce, complaint and
delivery events to the SNS topic SES_FEEDBACK_TOPIC_NAME and subscribe PUBLIC_APP_URL/api/webhooks/ses
to it. Safe to run again: it updates in place.
Usage: npm run ops:alarms -- [--subscribe-email <address>]`,
  'create-admin': `Create an admin account: the first one of a real deployment (POST /api/users needs an admin).
The password comes from ADMIN_PASSWORD or, when that is unset, from the first line of stdin (typed
without echo at a terminal). Refused when the password is weak or the username is taken.
Uses DATABASE_URL (or the embedded PostgreSQL of a running npm start) and applies pending migrations.
Usage: npm run ops:create-admin -- --username <name> [--email <address>]`,
  redrive: `Re-send failed email/SMS deliveries in bulk through the delivery workflow (the admin retry's
rules: never a channel already sent, in flight or of unknown outcome; each failed log once).
Needs DATABASE_URL and TEMPORAL_ADDRESS (the service's own).
Usage: npm run ops:redrive -- [--since 24h] [--channel email|sms] [--error-code CODE] [--limit 500] [--dry-run]`,
};

function requireAws(config: Config, needTransport: boolean): { region: string; endpoint?: string } {
  if (needTransport && config.notifications.transport !== 'aws') {
    throw new OpsUsageError(
      'AWS is not configured: NOTIFICATION_TRANSPORT is "local"; set NOTIFICATION_TRANSPORT=aws and AWS_REGION (credentials come from the AWS SDK chain)',
    );
  }
  if (!config.aws.region)
    throw new OpsUsageError(
      'AWS is not configured: set AWS_REGION (credentials come from the AWS SDK chain; AWS_ENDPOINT_URL for an emulator)',
    );
  return { region: config.aws.region, endpoint: config.aws.endpoint };
}

const DURATION = /^(\d+)(m|h|d)$/;
function since(value: string): Date {
  const m = DURATION.exec(value);
  if (!m) throw new OpsUsageError(`--since: "${value}" must be a duration such as 30m, 24h or 7d`);
  const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'm' | 'h' | 'd'];
  return new Date(Date.now() - Number(m[1]) * unit);
}

export async function runOps(
  command: string,
  argv: string[],
  env: Record<string, string | undefined>,
  out: (line: string) => void,
  /** Where a secret the environment does not give is read from (stdin, for the CLI). */
  readSecret: (prompt: string) => Promise<string> = () => Promise.reject(new OpsUsageError('no password given: set ADMIN_PASSWORD')),
): Promise<number> {
  const usage = USAGE[command];
  if (!usage) throw new OpsUsageError(`unknown command "${command}"; one of: ${Object.keys(USAGE).join(', ')}`);
  const { values } = parseArgs({
    args: argv,
    options: {
      help: { type: 'boolean', short: 'h' },
      to: { type: 'string' },
      'subscribe-email': { type: 'string' },
      since: { type: 'string', default: '24h' },
      channel: { type: 'string' },
      'error-code': { type: 'string' },
      limit: { type: 'string', default: '500' },
      'dry-run': { type: 'boolean' },
      username: { type: 'string' },
      email: { type: 'string' },
    },
    strict: true,
  });
  if (values.help) {
    out(usage);
    return 0;
  }
  const config = loadConfig(env);
  switch (command) {
    case 'test-email':
    case 'test-sms': {
      if (!values.to) throw new OpsUsageError(`--to is required\n${usage}`);
      const clients = createAwsClients(requireAws(config, true));
      const transport = awsTransportFromConfig(config, clients);
      const id = command === 'test-email' ? await sendTestEmail(transport, values.to) : await sendTestSms(transport, values.to);
      out(`sent: provider message id ${id}`);
      return 0;
    }
    case 'alarms': {
      const clients = createAwsClients(requireAws(config, false));
      const result = await provisionAlarms(clients, {
        namespace: DEFAULT_NAMESPACE,
        topicName: config.notifications.alarmTopicName,
        subscribeEmail: values['subscribe-email'],
      });
      out(`topic ${result.topicArn}${result.subscribed ? ' (subscription requested: confirm it from the email)' : ''}`);
      for (const name of result.alarms) out(`alarm ${name}: in place`);
      const configurationSet = config.notifications.sesConfigurationSet;
      const appUrl = config.notifications.appUrl;
      if (!configurationSet) out('SES feedback: skipped (SES_CONFIGURATION_SET is not set)');
      else if (!appUrl.startsWith('https://')) out(`SES feedback: skipped (PUBLIC_APP_URL ${appUrl} is not https, which SNS needs)`);
      else {
        const feedback = await provisionSesFeedback(clients, { configurationSet, topicName: config.sesFeedback.topicName, appUrl });
        out(`SES feedback: ${configurationSet} → ${feedback.topicArn} (${feedback.destination}); subscribed ${feedback.endpoint}`);
      }
      return 0;
    }
    case 'create-admin': {
      if (!values.username) throw new OpsUsageError(`--username is required\n${usage}`);
      const password = config.ops.adminPassword ?? (await readSecret(`Password for ${values.username}: `));
      const db = createDb(config.database.url ?? embeddedDatabaseUrl(config.database.embeddedPort, EMBEDDED_DATABASE), 2);
      try {
        await migrateLatest(db);
        const admin = await createAdmin(db, { username: values.username, password, email: values.email });
        out(`admin "${admin.username}" created (user id ${admin.id}); log in with POST /api/auth/login`);
        return 0;
      } finally {
        await db.destroy();
      }
    }
    default: {
      const channel = values.channel;
      if (channel !== undefined && channel !== 'email' && channel !== 'sms') throw new OpsUsageError('--channel must be email or sms');
      const limit = Number(values.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100_000)
        throw new OpsUsageError('--limit must be a whole number from 1 to 100000');
      if (!config.database.url || !config.temporal.address)
        throw new OpsUsageError("DATABASE_URL and TEMPORAL_ADDRESS must be set (the running service's PostgreSQL and Temporal)");
      const db = createDb(config.database.url, 2);
      const temporal = createTemporalClient(config.temporal.address, config.temporal.namespace);
      try {
        const report = await redriveFailed(
          { db, config, temporal },
          { since: since(values.since), channel: channel, errorCode: values['error-code'], limit, dryRun: Boolean(values['dry-run']) },
        );
        out(`${report.candidates} failed deliveries match${values['dry-run'] ? ' (dry run: nothing started)' : ''}`);
        for (const s of report.started) out(`re-driven: delivery log ${s.logId} → workflow ${s.workflowId}`);
        for (const s of report.skipped) out(`skipped: delivery log ${s.logId}: ${s.reason}`);
        return 0;
      } finally {
        await temporal.close();
        await db.destroy();
      }
    }
  }
}

/**
 * What a failed command tells the operator: the reason, and 2 when it was the invocation (usage,
 * configuration, a value the use-case refused) or 1 when the work itself failed. AWS and database
 * errors name what failed; their messages carry no secrets (credentials are never echoed).
 */
export function failureOf(err: unknown): { message: string; exitCode: 1 | 2 } {
  if (isDomainError(err)) {
    const fields = err.kind === 'validation' || err.kind === 'conflict' ? Object.entries(err.fields ?? {}) : [];
    const message = fields.length ? `${err.message} (${fields.map(([k, why]) => `${k} ${why}`).join('; ')})` : err.message;
    return { message, exitCode: err.kind === 'validation' ? 2 : 1 };
  }
  const usageProblem =
    err instanceof OpsUsageError || err instanceof ConfigError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
  return { message: err instanceof Error ? err.message : String(err), exitCode: usageProblem ? 2 : 1 };
}

if (require.main === module) {
  const [command = '', ...rest] = process.argv.slice(2);
  runOps(command, rest, process.env, (line) => process.stdout.write(line + '\n'), readStdinSecret).then(
    (code) => process.exit(code),
    (err: unknown) => {
      const { message, exitCode } = failureOf(err);
      process.stderr.write(`ops ${command}: ${message}\n`);
      process.exit(exitCode);
    },
  );
}
