import assert from 'node:assert/strict';
import { SESClient } from '@aws-sdk/client-ses';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { e164 } from '../../src/api/common/schemas';
import { decideDelivery } from '../../src/domain/notifications/decide';
import { DEFAULT_PREFERENCES } from '../../src/domain/notifications/types';
import { OpsUsageError, sendTestSms } from '../../src/ops/test-message';
import { createAwsTransport } from '../../src/transports/aws';
import { DeliveryError } from '../../src/transports/types';

/**
 * One E.164 rule everywhere (issue 17): a number the API takes is one the delivery sends to, and
 * one it refuses the delivery would never send to. Before, the API wanted 7+ digits and delivery
 * 2+, so "+123456" was refused at the door yet sent to when it came in another way.
 */
const ACCEPTED = ['+15555550100', '+442071838750', '+4915123456789', '+919876543210', '+2905123', '+123456789012345'];
const REFUSED = [
  '15555550100', // no +
  '+0555550100', // no country code starts with 0
  '+123456', // 6 digits: shorter than any number in service
  '+12', // what the delivery used to take
  '+1234567890123456', // 16 digits: over E.164's 15
  '+1 555 555 0100',
  '+1-555-555-0100',
  '+(1)5555550100',
  '++15555550100',
  '+1555555010a',
  '+１５５５５５５０１００', // full-width digits
  '00441234567890',
  '+',
  '',
];

const credentials = { accessKeyId: 'AKIDTESTFAKE', secretAccessKey: 'fake-secret' };

/** Whether each step after the API would take `phone`: the delivery decision, the SNS transport, the ops console. */
async function deliveryTakes(phone: string): Promise<boolean[]> {
  const decision = decideDelivery({
    channel: 'sms',
    priority: 'URGENT',
    category: 'repair_status',
    preferences: structuredClone(DEFAULT_PREFERENCES),
    address: { email: null, emailVerified: false, phone, phoneVerified: true },
    now: new Date(),
  });
  const sns = new SNSClient({ region: 'eu-west-1', credentials });
  mockClient(sns).on(PublishCommand).resolves({ MessageId: 'sns-1' });
  const transport = createAwsTransport({
    ses: new SESClient({ region: 'eu-west-1', credentials }),
    sns,
    fromAddress: 'no-reply@example.com',
    smsMaxPriceUsd: 0.5,
    smsCostEstimateUsd: 0.006,
  });
  const sent = await transport.sendSms({ notificationId: 1, to: phone, body: 'hi' }).then(
    () => true,
    (err: unknown) => {
      assert.ok(err instanceof DeliveryError && err.code === 'InvalidPhoneNumber', String(err));
      return false;
    },
  );
  const ops = await sendTestSms(transport, phone).then(
    () => true,
    (err: unknown) => {
      assert.ok(err instanceof OpsUsageError, String(err));
      return false;
    },
  );
  return [decision.action === 'send', sent, ops];
}

describe('api and delivery agree on E.164 phone numbers', () => {
  for (const phone of [...ACCEPTED, ...REFUSED, ' +15555550100 ']) {
    it(`${JSON.stringify(phone)}: the API takes it ⇔ decide, the SNS transport and ops:test-sms take what the API stores`, async () => {
      const parsed = e164.safeParse(phone);
      // What the API stores is what the delivery later reads; a refused number is only ever stored some other way, as it is.
      const stored = parsed.success ? parsed.data : phone;
      const takes = await deliveryTakes(stored);
      assert.deepEqual(takes, [parsed.success, parsed.success, parsed.success]);
      assert.equal(parsed.success, ACCEPTED.includes(phone.trim()), 'the table says which');
    });
  }
  it('the API names the field’s problem in words', () => {
    const parsed = e164.safeParse('+123');
    assert.equal(parsed.success, false);
    assert.match(parsed.error?.issues[0]?.message ?? '', /must be an E\.164 number such as \+15555550100/);
  });
});
