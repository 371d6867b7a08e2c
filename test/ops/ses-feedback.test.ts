import assert from 'node:assert/strict';
import {
  CreateConfigurationSetEventDestinationCommand,
  EventDestinationAlreadyExistsException,
  SESClient,
  UpdateConfigurationSetEventDestinationCommand,
} from '@aws-sdk/client-ses';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { provisionSesFeedback, SES_EVENT_DESTINATION } from '../../src/ops/ses-feedback';

const credentials = { accessKeyId: 'AKIDTESTFAKE', secretAccessKey: 'fake-secret' };
const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:RS-Systems-SES-Feedback';
const opts = { configurationSet: 'rs-systems', topicName: 'RS-Systems-SES-Feedback', appUrl: 'https://repairs.example.com/' };

function setup() {
  const ses = new SESClient({ region: 'us-east-1', credentials });
  const sns = new SNSClient({ region: 'us-east-1', credentials });
  const sesMock = mockClient(ses);
  const snsMock = mockClient(sns);
  snsMock.on(CreateTopicCommand).resolves({ TopicArn: TOPIC_ARN });
  snsMock.on(SubscribeCommand).resolves({ SubscriptionArn: 'pending confirmation' });
  sesMock.on(CreateConfigurationSetEventDestinationCommand).resolves({});
  sesMock.on(UpdateConfigurationSetEventDestinationCommand).resolves({});
  return { clients: { ses, sns }, sesMock, snsMock };
}

const destination = {
  ConfigurationSetName: 'rs-systems',
  EventDestination: {
    Name: SES_EVENT_DESTINATION,
    Enabled: true,
    MatchingEventTypes: ['bounce', 'complaint', 'delivery'],
    SNSDestination: { TopicARN: TOPIC_ARN },
  },
};

describe('ops: SES feedback provisioning', () => {
  it('creates the topic, the configuration set event destination for bounces, complaints and deliveries, and the webhook subscription', async () => {
    const { clients, sesMock, snsMock } = setup();
    const r = await provisionSesFeedback(clients, opts);
    assert.deepEqual(r, { topicArn: TOPIC_ARN, destination: 'created', endpoint: 'https://repairs.example.com/api/webhooks/ses' });
    assert.deepEqual(
      snsMock.commandCalls(CreateTopicCommand).map((c) => c.args[0].input),
      [{ Name: 'RS-Systems-SES-Feedback' }],
    );
    assert.deepEqual(
      sesMock.commandCalls(CreateConfigurationSetEventDestinationCommand).map((c) => c.args[0].input),
      [destination],
    );
    assert.deepEqual(
      snsMock.commandCalls(SubscribeCommand).map((c) => c.args[0].input),
      [{ TopicArn: TOPIC_ARN, Protocol: 'https', Endpoint: 'https://repairs.example.com/api/webhooks/ses' }],
    );
  });

  it('run again, updates the existing destination in place', async () => {
    const { clients, sesMock } = setup();
    sesMock
      .on(CreateConfigurationSetEventDestinationCommand)
      .rejects(new EventDestinationAlreadyExistsException({ message: 'exists', $metadata: {} }));
    const r = await provisionSesFeedback(clients, opts);
    assert.equal(r.destination, 'updated');
    assert.deepEqual(
      sesMock.commandCalls(UpdateConfigurationSetEventDestinationCommand).map((c) => c.args[0].input),
      [destination],
    );
  });

  it('refuses an http PUBLIC_APP_URL before creating anything, and passes on other AWS errors', async () => {
    const { clients, sesMock, snsMock } = setup();
    await assert.rejects(provisionSesFeedback(clients, { ...opts, appUrl: 'http://127.0.0.1:3000' }), /must be https/);
    assert.equal(snsMock.calls().length + sesMock.calls().length, 0);
    sesMock
      .on(CreateConfigurationSetEventDestinationCommand)
      .rejects(Object.assign(new Error('no such set'), { name: 'ConfigurationSetDoesNotExistException' }));
    await assert.rejects(provisionSesFeedback(clients, opts), { name: 'ConfigurationSetDoesNotExistException' });
    assert.equal(snsMock.commandCalls(SubscribeCommand).length, 0);
  });
});
