import { SendEmailCommand, type SESClient, type SendEmailCommandInput } from '@aws-sdk/client-ses';
import { PublishCommand, type PublishCommandInput, type SNSClient } from '@aws-sdk/client-sns';
import { isE164 } from '../domain/phone-numbers';
import { DeliveryError, type EmailMessage, type SendResult, type SmsMessage, type Transport } from './types';

export interface AwsTransportOptions {
  ses: SESClient;
  sns: SNSClient;
  fromAddress: string;
  replyTo?: string;
  configurationSet?: string;
  smsSenderId?: string;
  smsMaxPriceUsd: number;
  smsCostEstimateUsd: number;
}

/** SES outbound list price per message (USD 0.10 per 1,000); good enough for the delivery log. */
const SES_EMAIL_COST_USD = 0.0001;

export function createAwsTransport(opts: AwsTransportOptions): Transport {
  return {
    name: 'aws',

    async sendEmail(m: EmailMessage): Promise<SendResult> {
      const input: SendEmailCommandInput = {
        Source: opts.fromAddress,
        Destination: { ToAddresses: [m.to] },
        Message: {
          Subject: { Data: m.subject, Charset: 'UTF-8' },
          Body: {
            Html: { Data: m.html, Charset: 'UTF-8' },
            Text: { Data: m.text, Charset: 'UTF-8' },
          },
        },
        // The tag lets SES event destinations (bounces, complaints) be matched to our notification.
        Tags: [messageTag(m)],
      };
      if (opts.replyTo) input.ReplyToAddresses = [opts.replyTo];
      if (opts.configurationSet) input.ConfigurationSetName = opts.configurationSet;
      try {
        const out = await opts.ses.send(new SendEmailCommand(input));
        // A success without an id is still a success: throwing here would make the caller send again.
        return { providerMessageId: out.MessageId ?? '', costEstimateUsd: SES_EMAIL_COST_USD };
      } catch (err) {
        throw toDeliveryError(err, 'SES SendEmail');
      }
    },

    async sendSms(m: SmsMessage): Promise<SendResult> {
      // SNS would reject it too, but only after a round trip (and possibly a retry by the SDK).
      if (!isE164(m.to)) {
        throw new DeliveryError('SNS Publish not attempted: phone number is not E.164', 'InvalidPhoneNumber', true);
      }
      const attributes: NonNullable<PublishCommandInput['MessageAttributes']> = {
        'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
        'AWS.SNS.SMS.MaxPrice': { DataType: 'Number', StringValue: String(opts.smsMaxPriceUsd) },
      };
      if (opts.smsSenderId) {
        attributes['AWS.SNS.SMS.SenderID'] = { DataType: 'String', StringValue: opts.smsSenderId };
      }
      try {
        const out = await opts.sns.send(new PublishCommand({ PhoneNumber: m.to, Message: m.body, MessageAttributes: attributes }));
        return { providerMessageId: out.MessageId ?? '', costEstimateUsd: opts.smsCostEstimateUsd };
      } catch (err) {
        throw toDeliveryError(err, 'SNS Publish');
      }
    },
  };
}

/**
 * Names that arrive with a 4xx status yet pass on their own: SES reports its sending-rate limit as
 * `Throttling` with HTTP 400, and an expired session token or a skewed clock is fixed by the SDK
 * on the next call.
 */
const TRANSIENT_NAMES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'Throttled',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestThrottledException',
  'KMSThrottlingException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalFailure',
  'InternalErrorException',
  'InternalError',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'ExpiredToken',
  'ExpiredTokenException',
  'RequestExpired',
  'RequestTimeTooSkewed',
]);

/** Named explicitly so they stay permanent whatever status a proxy or emulator puts on them. */
const PERMANENT_NAMES = new Set([
  // SES
  'MessageRejected',
  'MailFromDomainNotVerifiedException',
  'ConfigurationSetDoesNotExistException',
  'InvalidParameterValue',
  // SNS
  'InvalidParameterException',
  'InvalidParameterValueException',
  'OptedOutException',
]);

/** Turns whatever the SDK threw into a DeliveryError the delivery code can act on. */
export function toDeliveryError(err: unknown, operation: string): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const name = readString(err, 'name') ?? 'Unknown';
  const nodeCode = readString(err, 'code');
  const status = httpStatus(err);
  const message = redact(readString(err, 'message') ?? String(err));

  let permanent: boolean;
  let code = name;
  if (TRANSIENT_NAMES.has(name)) permanent = false;
  else if (PERMANENT_NAMES.has(name)) permanent = true;
  else if (status === undefined) {
    // No HTTP answer at all: refused, reset, DNS, timeout, credentials lookup. The SDK adds
    // $metadata (attempts) even to these, so the status, not $metadata, is what tells them apart.
    permanent = false;
    if (nodeCode) code = nodeCode;
  } else if (status >= 500 || status === 429 || status === 408) permanent = false;
  else permanent = status >= 400;

  return new DeliveryError(`${operation} failed (${code}): ${message}`, code, permanent, { cause: err });
}

function readString(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = (value as Record<string, unknown>)[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function httpStatus(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const metadata = (err as { $metadata?: unknown }).$metadata;
  if (typeof metadata !== 'object' || metadata === null) return undefined;
  const status = (metadata as { httpStatusCode?: unknown }).httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

/**
 * AWS echoes the canonical request in SignatureDoesNotMatch messages, and with temporary
 * credentials that includes the session token; these messages end up in logs and the delivery log.
 */
export function redact(message: string): string {
  return message
    .replace(/\b(?:AKIA|ASIA|AIDA|AROA)[A-Z0-9]{12,}\b/g, '[redacted]')
    .replace(/(x-amz-security-token\s*[:=]\s*)[^\s&'",]+/gi, '$1[redacted]')
    .replace(/(Credential=)[^\s,&'"]+/g, '$1[redacted]')
    .replace(/(Signature=)[0-9a-fA-F]+/g, '$1[redacted]')
    .slice(0, 1000);
}

/** SES tag naming what the email belongs to (a notification, a digest, or an operator's test). */
function messageTag(m: EmailMessage): { Name: string; Value: string } {
  if (m.notificationId !== null) return { Name: 'notificationId', Value: String(m.notificationId) };
  if (m.digestId !== undefined) return { Name: 'digestId', Value: String(m.digestId) };
  return { Name: 'purpose', Value: 'test' };
}
