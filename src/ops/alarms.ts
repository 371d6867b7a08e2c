import {
  PutMetricAlarmCommand,
  type CloudWatchClient,
  type MetricDataQuery,
  type PutMetricAlarmCommandInput,
} from '@aws-sdk/client-cloudwatch';
import { CreateTopicCommand, SubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';

/**
 * The monitoring plan's alarms, on the metrics the worker sends (see transports/metrics.ts).
 * Pure data: what PutMetricAlarm receives, so it can be reviewed and tested as it is.
 */
export const ALARM_PREFIX = 'RSystems-Notifications-';

const FIVE_MINUTES = 300;
const ONE_HOUR = 3600;

function stat(id: string, namespace: string, name: string, channel: string | null, statName: string, period: number): MetricDataQuery {
  return {
    Id: id,
    ReturnData: false,
    MetricStat: {
      Metric: {
        Namespace: namespace,
        MetricName: name,
        Dimensions: channel ? [{ Name: 'Channel', Value: channel }] : [{ Name: 'Scope', Value: 'all' }],
      },
      Period: period,
      Stat: statName,
    },
  };
}

const expression = (id: string, expr: string, label: string): MetricDataQuery => ({
  Id: id,
  Expression: expr,
  Label: label,
  ReturnData: true,
});

export function alarmDefinitions(opts: { namespace: string; topicArn: string }): PutMetricAlarmCommandInput[] {
  const { namespace: ns, topicArn } = opts;
  const common = {
    ActionsEnabled: true,
    AlarmActions: [topicArn],
    OKActions: [topicArn],
    EvaluationPeriods: 1,
    DatapointsToAlarm: 1,
  };
  const sum = (id: string, name: string, channel: string, period = FIVE_MINUTES) => stat(id, ns, name, channel, 'Sum', period);
  return [
    {
      ...common,
      AlarmName: `${ALARM_PREFIX}EmailFailureRate`,
      AlarmDescription: 'More than 5% of email sends failed over 5 minutes',
      Metrics: [
        sum('failed', 'DeliveryFailure', 'email'),
        sum('sent', 'DeliverySuccess', 'email'),
        expression('rate', '100 * FILL(failed, 0) / (FILL(failed, 0) + FILL(sent, 0))', 'Email failure rate (%)'),
      ],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 5,
      TreatMissingData: 'notBreaching',
    },
    {
      ...common,
      AlarmName: `${ALARM_PREFIX}SmsCost`,
      AlarmDescription: 'Estimated SMS spend above $20 in an hour',
      Namespace: ns,
      MetricName: 'SmsCostEstimate',
      Dimensions: [{ Name: 'Channel', Value: 'sms' }],
      Statistic: 'Sum',
      Period: ONE_HOUR,
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 20,
      TreatMissingData: 'notBreaching',
    },
    {
      ...common,
      AlarmName: `${ALARM_PREFIX}NoDeliveries`,
      AlarmDescription: 'Deliveries are due (backlog above 0) but none succeeded for 5 minutes (workers down or stuck)',
      Metrics: [
        stat('backlog', ns, 'DeliveryBacklog', null, 'Maximum', FIVE_MINUTES),
        sum('email', 'DeliverySuccess', 'email'),
        sum('sms', 'DeliverySuccess', 'sms'),
        expression('stalled', 'IF(FILL(backlog, 0) > 0 AND FILL(email, 0) + FILL(sms, 0) == 0, 1, 0)', 'Due but none delivered'),
      ],
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      // A quiet night sends nothing and has nothing due: no data is not a symptom. Workers that are
      // gone entirely stop the backlog gauge too, which is what the heartbeat alarm is for.
      TreatMissingData: 'notBreaching',
    },
    {
      ...common,
      AlarmName: `${ALARM_PREFIX}WorkerHeartbeat`,
      AlarmDescription: 'No worker heartbeat for 5 minutes (no worker running, or none can reach CloudWatch)',
      Namespace: ns,
      MetricName: 'WorkerHeartbeat',
      Dimensions: [{ Name: 'Scope', Value: 'all' }],
      Statistic: 'SampleCount',
      Period: FIVE_MINUTES,
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      // Here silence is the symptom: no heartbeat at all must alarm.
      TreatMissingData: 'breaching',
    },
    {
      ...common,
      AlarmName: `${ALARM_PREFIX}Backlog`,
      AlarmDescription: 'More than 1000 email/SMS deliveries due but not finished',
      Namespace: ns,
      MetricName: 'DeliveryBacklog',
      Dimensions: [{ Name: 'Scope', Value: 'all' }],
      Statistic: 'Maximum',
      Period: FIVE_MINUTES,
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 1000,
      TreatMissingData: 'notBreaching',
    },
    {
      ...common,
      AlarmName: `${ALARM_PREFIX}Latency`,
      AlarmDescription: 'Average email or SMS send time above 30 seconds over 5 minutes',
      Metrics: [
        stat('email', ns, 'DeliveryDuration', 'email', 'Average', FIVE_MINUTES),
        stat('sms', ns, 'DeliveryDuration', 'sms', 'Average', FIVE_MINUTES),
        expression('slowest', 'MAX([FILL(email, 0), FILL(sms, 0)])', 'Slowest channel average (ms)'),
      ],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 30_000,
      TreatMissingData: 'notBreaching',
    },
    {
      ...common,
      AlarmName: `${ALARM_PREFIX}ErrorRate`,
      AlarmDescription: 'More than 10% of all email and SMS sends failed over 5 minutes',
      Metrics: [
        sum('emailFailed', 'DeliveryFailure', 'email'),
        sum('smsFailed', 'DeliveryFailure', 'sms'),
        sum('emailSent', 'DeliverySuccess', 'email'),
        sum('smsSent', 'DeliverySuccess', 'sms'),
        expression(
          'rate',
          '100 * (FILL(emailFailed, 0) + FILL(smsFailed, 0)) / (FILL(emailFailed, 0) + FILL(smsFailed, 0) + FILL(emailSent, 0) + FILL(smsSent, 0))',
          'Delivery error rate (%)',
        ),
      ],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 10,
      TreatMissingData: 'notBreaching',
    },
  ];
}

/**
 * Creates the alarm topic (CreateTopic returns the existing one) and puts every alarm (PutMetricAlarm
 * replaces an alarm of the same name): running it again converges, it never duplicates.
 */
export async function provisionAlarms(
  clients: { cloudwatch: CloudWatchClient; sns: SNSClient },
  opts: { namespace: string; topicName: string; subscribeEmail?: string },
): Promise<{ topicArn: string; alarms: string[]; subscribed: boolean }> {
  const topic = await clients.sns.send(new CreateTopicCommand({ Name: opts.topicName }));
  if (!topic.TopicArn) throw new Error(`SNS did not return an ARN for topic ${opts.topicName}`);
  let subscribed = false;
  if (opts.subscribeEmail) {
    // SNS keeps one subscription per endpoint and sends the confirmation email; repeating it is harmless.
    await clients.sns.send(new SubscribeCommand({ TopicArn: topic.TopicArn, Protocol: 'email', Endpoint: opts.subscribeEmail }));
    subscribed = true;
  }
  const alarms = alarmDefinitions({ namespace: opts.namespace, topicArn: topic.TopicArn });
  for (const alarm of alarms) await clients.cloudwatch.send(new PutMetricAlarmCommand(alarm));
  return { topicArn: topic.TopicArn, alarms: alarms.map((a) => a.AlarmName as string), subscribed };
}
