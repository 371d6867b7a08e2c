import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { ConfigError, loadConfig } from '../../src/config';
import { ConflictError, NotFoundError, UnavailableError, ValidationError } from '../../src/domain/errors';
import { failureOf, runOps } from '../../src/ops/cli';
import { OpsUsageError, sendTestEmail, sendTestSms } from '../../src/ops/test-message';
import { awsTransportFromConfig } from '../../src/worker/worker';

const run = async (command: string, argv: string[], env: Record<string, string> = {}) => {
  const lines: string[] = [];
  const code = await runOps(command, argv, { NODE_ENV: 'test', ...env }, (l) => lines.push(l));
  return { code, out: lines.join('\n') };
};

describe('ops commands', () => {
  it('each explains itself with --help', async () => {
    for (const [command, words] of [
      ['test-email', /SES/],
      ['test-sms', /SNS/],
      ['alarms', /seven CloudWatch alarms/],
      ['redrive', /--dry-run/],
    ] as const) {
      const { code, out } = await run(command, ['--help']);
      assert.equal(code, 0);
      assert.match(out, /Usage: npm run ops:/);
      assert.match(out, words);
    }
  });

  it('say clearly when AWS is not configured', async () => {
    await assert.rejects(
      run('test-email', ['--to', 'ops@example.com']),
      (e: unknown) => e instanceof OpsUsageError && /AWS is not configured: NOTIFICATION_TRANSPORT is "local"/.test(e.message),
    );
    await assert.rejects(
      run('test-sms', ['--to', '+15555550100']),
      (e: unknown) => e instanceof OpsUsageError && /AWS is not configured/.test(e.message),
    );
    await assert.rejects(
      run('alarms', []),
      (e: unknown) => e instanceof OpsUsageError && /AWS is not configured: set AWS_REGION/.test(e.message),
    );
    // NOTIFICATION_TRANSPORT=aws without a region is already refused by the configuration.
    await assert.rejects(
      run('test-email', ['--to', 'a@b.co'], { NOTIFICATION_TRANSPORT: 'aws' }),
      (e: unknown) => e instanceof ConfigError && 'AWS_REGION' in e.problems,
    );
  });

  it('refuse bad arguments before calling anything', async () => {
    await assert.rejects(run('nope', []), OpsUsageError);
    await assert.rejects(run('test-email', [], { NOTIFICATION_TRANSPORT: 'aws', AWS_REGION: 'us-east-1' }), /--to is required/);
    await assert.rejects(run('redrive', ['--channel', 'fax']), /--channel must be email or sms/);
    await assert.rejects(run('redrive', ['--limit', '0']), /--limit must be/);
    await assert.rejects(run('redrive', []), /DATABASE_URL and TEMPORAL_ADDRESS must be set/);
    await assert.rejects(run('alarms', ['--bogus']), { code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' });
  });

  it("a use-case's refusal is reported with its reason: 2 for a refused value, 1 for the work", () => {
    assert.deepEqual(failureOf(new ValidationError({ since: 'is in the future' })), {
      message: 'The request is not valid (since is in the future)',
      exitCode: 2,
    });
    assert.deepEqual(failureOf(new ConflictError('Delivery log 4 has already been retried')), {
      message: 'Delivery log 4 has already been retried',
      exitCode: 1,
    });
    assert.deepEqual(failureOf(new NotFoundError('Delivery log')), { message: 'Delivery log not found', exitCode: 1 });
    assert.deepEqual(failureOf(new UnavailableError('Temporal did not answer')), { message: 'Temporal did not answer', exitCode: 1 });
    assert.deepEqual(failureOf(new OpsUsageError('--limit must be a whole number')), {
      message: '--limit must be a whole number',
      exitCode: 2,
    });
    assert.deepEqual(failureOf(new Error('connect ECONNREFUSED')), { message: 'connect ECONNREFUSED', exitCode: 1 });
  });

  it('the script exits 2 with the reason on stderr (and 0 for --help)', async function () {
    this.timeout(60_000);
    const exec = promisify(execFile);
    const env = { PATH: process.env.PATH ?? '', NODE_ENV: 'test', HOME: process.env.HOME ?? '/tmp' };
    const ok = await exec(process.execPath, ['--require', 'tsx/cjs', 'src/ops/cli.ts', 'alarms', '--help'], { env });
    assert.match(ok.stdout, /Usage: npm run ops:alarms/);
    await assert.rejects(
      exec(process.execPath, ['--require', 'tsx/cjs', 'src/ops/cli.ts', 'alarms'], { env }),
      (e: { code?: number; stderr?: string }) => {
        assert.equal(e.code, 2);
        assert.match(e.stderr ?? '', /ops alarms: AWS is not configured: set AWS_REGION/);
        return true;
      },
    );
  });

  describe('test messages through the configured AWS transport', () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      NOTIFICATION_TRANSPORT: 'aws',
      AWS_REGION: 'us-east-1',
      EMAIL_FROM: 'RS <no-reply@rs.example>',
    });
    const credentials = { accessKeyId: 'AKIDTESTFAKE', secretAccessKey: 'fake-secret' };
    const ses = new SESClient({ region: 'us-east-1', credentials });
    const sns = new SNSClient({ region: 'us-east-1', credentials });
    const sesMock = mockClient(ses);
    const snsMock = mockClient(sns);
    const transport = awsTransportFromConfig(config, { ses, sns });

    it('sends one SES email to the address, tagged as a test, and returns the message id', async () => {
      sesMock.on(SendEmailCommand).resolves({ MessageId: 'ses-123' });
      assert.equal(await sendTestEmail(transport, 'ops@example.com'), 'ses-123');
      const input = sesMock.commandCalls(SendEmailCommand)[0]?.args[0].input;
      assert.deepEqual(input?.Destination, { ToAddresses: ['ops@example.com'] });
      assert.equal(input?.Source, 'RS <no-reply@rs.example>');
      assert.deepEqual(input?.Tags, [{ Name: 'purpose', Value: 'test' }]);
      assert.match(input?.Message?.Subject?.Data ?? '', /test email/);
    });

    it('sends one transactional SNS SMS to an E.164 number', async () => {
      snsMock.on(PublishCommand).resolves({ MessageId: 'sns-9' });
      assert.equal(await sendTestSms(transport, '+15555550100'), 'sns-9');
      const input = snsMock.commandCalls(PublishCommand)[0]?.args[0].input;
      assert.equal(input?.PhoneNumber, '+15555550100');
      assert.equal(input?.MessageAttributes?.['AWS.SNS.SMS.SMSType']?.StringValue, 'Transactional');
    });

    it('refuses a malformed address or number without calling AWS', async () => {
      sesMock.resetHistory();
      snsMock.resetHistory();
      await assert.rejects(sendTestEmail(transport, 'not-an-address'), OpsUsageError);
      await assert.rejects(sendTestSms(transport, '555-0100'), OpsUsageError);
      assert.equal(sesMock.commandCalls(SendEmailCommand).length + snsMock.commandCalls(PublishCommand).length, 0);
    });
  });
});
