import {
  CreateConfigurationSetEventDestinationCommand,
  UpdateConfigurationSetEventDestinationCommand,
  type EventDestination,
  type SESClient,
} from '@aws-sdk/client-ses';
import { CreateTopicCommand, SubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';

export const SES_EVENT_DESTINATION = 'rs-systems-feedback';

/**
 * Routes the configuration set's Bounce, Complaint and Delivery events to an SNS topic, and
 * subscribes the service's webhook to it over HTTPS (SNS then posts a SubscriptionConfirmation,
 * which the webhook confirms). Every step converges when run again.
 */
export async function provisionSesFeedback(
  clients: { ses: SESClient; sns: SNSClient },
  opts: { configurationSet: string; topicName: string; appUrl: string },
): Promise<{ topicArn: string; destination: 'created' | 'updated'; endpoint: string }> {
  const endpoint = `${opts.appUrl.replace(/\/$/, '')}/api/webhooks/ses`;
  // SNS delivers to https endpoints only with a certificate it trusts; http would send the events in clear.
  if (!endpoint.startsWith('https://')) throw new Error(`PUBLIC_APP_URL must be https for the SES feedback webhook (is ${opts.appUrl})`);
  const topic = await clients.sns.send(new CreateTopicCommand({ Name: opts.topicName }));
  if (!topic.TopicArn) throw new Error(`SNS did not return an ARN for topic ${opts.topicName}`);
  const destination: EventDestination = {
    Name: SES_EVENT_DESTINATION,
    Enabled: true,
    MatchingEventTypes: ['bounce', 'complaint', 'delivery'],
    SNSDestination: { TopicARN: topic.TopicArn },
  };
  let outcome: 'created' | 'updated' = 'created';
  try {
    await clients.ses.send(
      new CreateConfigurationSetEventDestinationCommand({ ConfigurationSetName: opts.configurationSet, EventDestination: destination }),
    );
  } catch (err) {
    if ((err as { name?: string }).name !== 'EventDestinationAlreadyExistsException') throw err;
    await clients.ses.send(
      new UpdateConfigurationSetEventDestinationCommand({ ConfigurationSetName: opts.configurationSet, EventDestination: destination }),
    );
    outcome = 'updated';
  }
  // SNS keeps one subscription per endpoint; asking again re-sends the confirmation only while pending.
  await clients.sns.send(new SubscribeCommand({ TopicArn: topic.TopicArn, Protocol: 'https', Endpoint: endpoint }));
  return { topicArn: topic.TopicArn, destination: outcome, endpoint };
}
