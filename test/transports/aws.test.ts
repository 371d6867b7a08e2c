import assert from 'node:assert/strict';
import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { createAwsTransport, redact, toDeliveryError, type AwsTransportOptions } from '../../src/transports/aws';
import { DeliveryError } from '../../src/transports/types';

const credentials = { accessKeyId: 'AKIDTESTFAKE', secretAccessKey: 'fake-secret' };

function setup(extra: Partial<AwsTransportOptions> = {}) {
  const ses = new SESClient({ region: 'eu-west-1', credentials });
  const sns = new SNSClient({ region: 'eu-west-1', credentials });
  // Instance mocks, not class mocks: the real clients in clients.test.ts must stay real.
  const sesMock = mockClient(ses);
  const snsMock = mockClient(sns);
  const transport = createAwsTransport({
    ses,
    sns,
    fromAddress: 'RSystems <no-reply@rsystems.example>',
    smsMaxPriceUsd: 0.5,
    smsCostEstimateUsd: 0.00645,
    ...extra,
  });
  return { transport, sesMock, snsMock };
}

const email = { notificationId: 42, to: 'ann@example.com', subject: 'Repair approved', html: '<p>Go</p>', text: 'Go' };
const sms = { notificationId: 43, to: '+15555550100', body: 'Repair #7 approved' };

function sdkError(name: string, status?: number, extra: Record<string, unknown> = {}): Error {
  const metadata = status === undefined ? {} : { $metadata: { httpStatusCode: status, attempts: 1 } };
  return Object.assign(new Error(`${name} happened`), { name, ...metadata, ...extra });
}

describe('transports/aws: createAwsTransport', () => {
  describe('email through SES SendEmail', () => {
    it('sends exactly the minimal input when no reply-to or configuration set is configured', async () => {
      const { transport, sesMock } = setup();
      sesMock.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });

      const result = await transport.sendEmail(email);

      assert.equal(transport.name, 'aws');
      assert.deepEqual(result, { providerMessageId: 'ses-1', costEstimateUsd: 0.0001 });
      const calls = sesMock.commandCalls(SendEmailCommand);
      assert.equal(calls.length, 1);
      assert.deepEqual(calls[0]!.args[0].input, {
        Source: 'RSystems <no-reply@rsystems.example>',
        Destination: { ToAddresses: ['ann@example.com'] },
        Message: {
          Subject: { Data: 'Repair approved', Charset: 'UTF-8' },
          Body: {
            Html: { Data: '<p>Go</p>', Charset: 'UTF-8' },
            Text: { Data: 'Go', Charset: 'UTF-8' },
          },
        },
        Tags: [{ Name: 'notificationId', Value: '42' }],
      });
    });

    it('adds ReplyToAddresses and ConfigurationSetName when configured', async () => {
      const { transport, sesMock } = setup({ replyTo: 'support@rsystems.example', configurationSet: 'notifications' });
      sesMock.on(SendEmailCommand).resolves({ MessageId: 'ses-2' });

      await transport.sendEmail(email);

      assert.deepEqual(sesMock.commandCalls(SendEmailCommand)[0]!.args[0].input, {
        Source: 'RSystems <no-reply@rsystems.example>',
        Destination: { ToAddresses: ['ann@example.com'] },
        Message: {
          Subject: { Data: 'Repair approved', Charset: 'UTF-8' },
          Body: {
            Html: { Data: '<p>Go</p>', Charset: 'UTF-8' },
            Text: { Data: 'Go', Charset: 'UTF-8' },
          },
        },
        Tags: [{ Name: 'notificationId', Value: '42' }],
        ReplyToAddresses: ['support@rsystems.example'],
        ConfigurationSetName: 'notifications',
      });
    });

    it('never touches SNS', async () => {
      const { transport, sesMock, snsMock } = setup();
      sesMock.on(SendEmailCommand).resolves({ MessageId: 'ses-3' });
      await transport.sendEmail(email);
      assert.equal(snsMock.calls().length, 0);
    });
  });

  describe('SMS through SNS Publish', () => {
    it('sends a transactional SMS with the max price and no sender id by default', async () => {
      const { transport, snsMock } = setup();
      snsMock.on(PublishCommand).resolves({ MessageId: 'sns-1' });

      const result = await transport.sendSms(sms);

      assert.deepEqual(result, { providerMessageId: 'sns-1', costEstimateUsd: 0.00645 });
      const calls = snsMock.commandCalls(PublishCommand);
      assert.equal(calls.length, 1);
      assert.deepEqual(calls[0]!.args[0].input, {
        PhoneNumber: '+15555550100',
        Message: 'Repair #7 approved',
        MessageAttributes: {
          'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
          'AWS.SNS.SMS.MaxPrice': { DataType: 'Number', StringValue: '0.5' },
        },
      });
    });

    it('adds the sender id when configured', async () => {
      const { transport, snsMock } = setup({ smsSenderId: 'RSystems' });
      snsMock.on(PublishCommand).resolves({ MessageId: 'sns-2' });

      await transport.sendSms(sms);

      assert.deepEqual(snsMock.commandCalls(PublishCommand)[0]!.args[0].input, {
        PhoneNumber: '+15555550100',
        Message: 'Repair #7 approved',
        MessageAttributes: {
          'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
          'AWS.SNS.SMS.MaxPrice': { DataType: 'Number', StringValue: '0.5' },
          'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: 'RSystems' },
        },
      });
    });

    it('refuses a number that is not E.164 as permanent, without calling SNS', async () => {
      const { transport, snsMock } = setup();
      for (const to of ['5555550100', '+0555550100', '+1 555 555 0100', '', '+1234567890123456']) {
        await assert.rejects(
          transport.sendSms({ ...sms, to }),
          (err) => err instanceof DeliveryError && err.permanent && err.code === 'InvalidPhoneNumber',
        );
      }
      assert.equal(snsMock.calls().length, 0);
    });
  });

  describe('error classification', () => {
    const table: { error: Error; permanent: boolean; code: string }[] = [
      // SES
      { error: sdkError('MessageRejected', 400), permanent: true, code: 'MessageRejected' },
      { error: sdkError('MailFromDomainNotVerifiedException', 400), permanent: true, code: 'MailFromDomainNotVerifiedException' },
      { error: sdkError('ConfigurationSetDoesNotExistException', 400), permanent: true, code: 'ConfigurationSetDoesNotExistException' },
      { error: sdkError('InvalidParameterValue', 400), permanent: true, code: 'InvalidParameterValue' },
      // SNS
      { error: sdkError('InvalidParameterException', 400), permanent: true, code: 'InvalidParameterException' },
      { error: sdkError('InvalidParameterValueException', 400), permanent: true, code: 'InvalidParameterValueException' },
      { error: sdkError('OptedOutException', 400), permanent: true, code: 'OptedOutException' },
      // Throttling arrives as HTTP 400 from SES, yet passes.
      { error: sdkError('Throttling', 400), permanent: false, code: 'Throttling' },
      { error: sdkError('ThrottlingException', 400), permanent: false, code: 'ThrottlingException' },
      { error: sdkError('ThrottledException', 429), permanent: false, code: 'ThrottledException' },
      { error: sdkError('ServiceUnavailable', 503), permanent: false, code: 'ServiceUnavailable' },
      { error: sdkError('InternalFailure', 500), permanent: false, code: 'InternalFailure' },
      { error: sdkError('InternalErrorException', 500), permanent: false, code: 'InternalErrorException' },
      { error: sdkError('SomethingNew', 502), permanent: false, code: 'SomethingNew' },
      { error: sdkError('SomethingNew', 429), permanent: false, code: 'SomethingNew' },
      { error: sdkError('AccessDenied', 403), permanent: true, code: 'AccessDenied' },
      { error: sdkError('SomethingElse', 400), permanent: true, code: 'SomethingElse' },
      // Network errors: no $metadata at all, or (as the SDK really throws them) $metadata without a status.
      {
        error: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4566'), { code: 'ECONNREFUSED' }),
        permanent: false,
        code: 'ECONNREFUSED',
      },
      {
        error: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET', $metadata: { attempts: 3, totalRetryDelay: 250 } }),
        permanent: false,
        code: 'ECONNRESET',
      },
      { error: sdkError('TimeoutError'), permanent: false, code: 'TimeoutError' },
      { error: sdkError('CredentialsProviderError'), permanent: false, code: 'CredentialsProviderError' },
    ];

    for (const { error, permanent, code } of table) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      it(`${code} (${status ?? 'no status'}) → ${permanent ? 'permanent' : 'transient'}, for email and SMS`, async () => {
        const { transport, sesMock, snsMock } = setup();
        sesMock.on(SendEmailCommand).rejects(error);
        snsMock.on(PublishCommand).rejects(error);
        const matches = (err: unknown) =>
          err instanceof DeliveryError && err.permanent === permanent && err.code === code && err.cause === error;
        await assert.rejects(transport.sendEmail(email), matches);
        await assert.rejects(transport.sendSms(sms), matches);
      });
    }

    it('keeps the original error as cause and names the operation in the message', async () => {
      const { transport, sesMock } = setup();
      const original = sdkError('MessageRejected', 400);
      sesMock.on(SendEmailCommand).rejects(original);

      const err = await transport.sendEmail(email).then(
        () => assert.fail('expected a rejection'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof DeliveryError);
      assert.ok(err instanceof Error);
      assert.equal(err.name, 'DeliveryError');
      assert.equal(err.cause, original);
      assert.equal(err.message, 'SES SendEmail failed (MessageRejected): MessageRejected happened');
    });

    it('keeps credentials out of the message, though the cause stays untouched', async () => {
      const { transport, snsMock } = setup();
      const leaky =
        'The request signature we calculated does not match. The Canonical String for this request should have been\n' +
        "'POST\n/\n\nhost:sns.eu-west-1.amazonaws.com\nx-amz-security-token:IQoJb3JpZ2luX2VjEFAKETOKEN==\n'\n" +
        'Authorization: AWS4-HMAC-SHA256 Credential=ASIAABCDEFGHIJKLMNOP/20260101/eu-west-1/sns/aws4_request, Signature=0123abcdef';
      const original = sdkError('SignatureDoesNotMatch', 403, { message: leaky });
      snsMock.on(PublishCommand).rejects(original);

      await assert.rejects(transport.sendSms(sms), (err) => {
        assert.ok(err instanceof DeliveryError);
        assert.equal(err.code, 'SignatureDoesNotMatch');
        assert.equal(err.permanent, true);
        assert.doesNotMatch(err.message, /IQoJb3JpZ2luX2VjEFAKETOKEN|ASIAABCDEFGHIJKLMNOP|0123abcdef/);
        assert.match(err.message, /x-amz-security-token:\[redacted\]/);
        assert.equal(err.cause, original);
        return true;
      });
    });

    it('redact() removes key ids and session tokens, and caps the length', () => {
      assert.equal(redact('key AKIAIOSFODNN7EXAMPLE is bad'), 'key [redacted] is bad');
      assert.equal(redact('X-Amz-Security-Token=abc%2Fdef&X-Amz-Date=1'), 'X-Amz-Security-Token=[redacted]&X-Amz-Date=1');
      assert.equal(redact('x'.repeat(5000)).length, 1000);
    });

    it('copes with plain errors and with things that are not errors at all', () => {
      const plain = toDeliveryError(new Error('plain'), 'SES SendEmail');
      assert.deepEqual([plain.code, plain.permanent, plain.message], ['Error', false, 'SES SendEmail failed (Error): plain']);
      const thrown = toDeliveryError('boom', 'SNS Publish');
      assert.deepEqual(
        [thrown.code, thrown.permanent, thrown.message, thrown.cause],
        ['Unknown', false, 'SNS Publish failed (Unknown): boom', 'boom'],
      );
    });

    it('passes a DeliveryError through unchanged', () => {
      const own = new DeliveryError('already classified', 'InvalidPhoneNumber', true);
      assert.equal(toDeliveryError(own, 'SNS Publish'), own);
    });
  });
});
