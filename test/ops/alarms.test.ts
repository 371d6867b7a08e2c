import assert from 'node:assert/strict';
import { CloudWatchClient, PutMetricAlarmCommand, type PutMetricAlarmCommandInput } from '@aws-sdk/client-cloudwatch';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { DEFAULT_NAMESPACE, metric } from '../../src/transports/metrics';
import { ALARM_PREFIX, alarmDefinitions, provisionAlarms } from '../../src/ops/alarms';

const credentials = { accessKeyId: 'AKIDTESTFAKE', secretAccessKey: 'fake-secret' };
const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:RS-Systems-Notification-Alarms';

function setup() {
  const cloudwatch = new CloudWatchClient({ region: 'us-east-1', credentials });
  const sns = new SNSClient({ region: 'us-east-1', credentials });
  const cwMock = mockClient(cloudwatch);
  const snsMock = mockClient(sns);
  snsMock.on(CreateTopicCommand).resolves({ TopicArn: TOPIC_ARN });
  snsMock.on(SubscribeCommand).resolves({ SubscriptionArn: 'pending confirmation' });
  cwMock.on(PutMetricAlarmCommand).resolves({});
  return { clients: { cloudwatch, sns }, cwMock, snsMock };
}

const byName = (alarms: PutMetricAlarmCommandInput[]) =>
  new Map(alarms.map((a) => [(a.AlarmName as string).slice(ALARM_PREFIX.length), a]));

describe('ops: CloudWatch alarms', () => {
  const alarms = byName(alarmDefinitions({ namespace: DEFAULT_NAMESPACE, topicArn: TOPIC_ARN }));

  it('defines the seven alarms of the monitoring plan, each notifying the topic on alarm and on recovery', () => {
    assert.deepEqual(
      [...alarms.keys()],
      ['EmailFailureRate', 'SmsCost', 'NoDeliveries', 'WorkerHeartbeat', 'Backlog', 'Latency', 'ErrorRate'],
    );
    for (const a of alarms.values()) {
      assert.deepEqual(a.AlarmActions, [TOPIC_ARN]);
      assert.deepEqual(a.OKActions, [TOPIC_ARN]);
      assert.equal(a.ActionsEnabled, true);
      assert.equal(a.EvaluationPeriods, 1);
    }
  });

  it('sets the thresholds: failure rate > 5 %, SMS > $20/hour, due but undelivered for 5 min, no heartbeat, backlog > 1000, latency > 30 s, errors > 10 %', () => {
    const t = (name: string) => {
      const a = alarms.get(name) as PutMetricAlarmCommandInput;
      return [a.ComparisonOperator, a.Threshold, a.TreatMissingData];
    };
    assert.deepEqual(t('EmailFailureRate'), ['GreaterThanThreshold', 5, 'notBreaching']);
    assert.deepEqual(t('SmsCost'), ['GreaterThanThreshold', 20, 'notBreaching']);
    assert.deepEqual(t('NoDeliveries'), ['GreaterThanOrEqualToThreshold', 1, 'notBreaching']);
    assert.deepEqual(t('WorkerHeartbeat'), ['LessThanThreshold', 1, 'breaching']);
    assert.deepEqual(t('Backlog'), ['GreaterThanThreshold', 1000, 'notBreaching']);
    assert.deepEqual(t('Latency'), ['GreaterThanThreshold', 30_000, 'notBreaching']);
    assert.deepEqual(t('ErrorRate'), ['GreaterThanThreshold', 10, 'notBreaching']);
  });

  it('watches the metrics the worker sends, over the right periods', () => {
    const sms = alarms.get('SmsCost') as PutMetricAlarmCommandInput;
    assert.deepEqual(
      [sms.Namespace, sms.MetricName, sms.Statistic, sms.Period, sms.Dimensions],
      [DEFAULT_NAMESPACE, 'SmsCostEstimate', 'Sum', 3600, [{ Name: 'Channel', Value: 'sms' }]],
    );
    const backlog = alarms.get('Backlog') as PutMetricAlarmCommandInput;
    assert.deepEqual([backlog.MetricName, backlog.Statistic, backlog.Period], ['DeliveryBacklog', 'Maximum', 300]);

    const rate = alarms.get('EmailFailureRate') as PutMetricAlarmCommandInput;
    const stats = (rate.Metrics ?? []).filter((m) => m.MetricStat);
    assert.deepEqual(
      stats.map((m) => [
        m.Id,
        m.MetricStat?.Metric?.MetricName,
        m.MetricStat?.Metric?.Dimensions,
        m.MetricStat?.Period,
        m.MetricStat?.Stat,
        m.ReturnData,
      ]),
      [
        ['failed', 'DeliveryFailure', [{ Name: 'Channel', Value: 'email' }], 300, 'Sum', false],
        ['sent', 'DeliverySuccess', [{ Name: 'Channel', Value: 'email' }], 300, 'Sum', false],
      ],
    );
    const [expr] = (rate.Metrics ?? []).filter((m) => m.Expression);
    assert.equal(expr?.Expression, '100 * FILL(failed, 0) / (FILL(failed, 0) + FILL(sent, 0))');
    assert.equal(expr?.ReturnData, true);
    // A metric-math alarm must not also name a single metric: CloudWatch refuses the mix.
    for (const a of alarms.values()) if (a.Metrics) assert.equal(a.MetricName, undefined, a.AlarmName);

    const latency = alarms.get('Latency') as PutMetricAlarmCommandInput;
    assert.deepEqual(
      (latency.Metrics ?? []).filter((m) => m.MetricStat).map((m) => [m.MetricStat?.Metric?.MetricName, m.MetricStat?.Stat]),
      [
        ['DeliveryDuration', 'Average'],
        ['DeliveryDuration', 'Average'],
      ],
    );
    const errors = alarms.get('ErrorRate') as PutMetricAlarmCommandInput;
    assert.equal(errors.Metrics?.filter((m) => m.MetricStat).length, 4);
  });

  it('NoDeliveries fires only when deliveries are due and none succeed, never on a quiet night', () => {
    const a = alarms.get('NoDeliveries') as PutMetricAlarmCommandInput;
    const stats = (a.Metrics ?? []).filter((m) => m.MetricStat);
    assert.deepEqual(
      stats.map((m) => [m.Id, m.MetricStat?.Metric?.MetricName, m.MetricStat?.Stat, m.MetricStat?.Period]),
      [
        ['backlog', 'DeliveryBacklog', 'Maximum', 300],
        ['email', 'DeliverySuccess', 'Sum', 300],
        ['sms', 'DeliverySuccess', 'Sum', 300],
      ],
    );
    const [expr] = (a.Metrics ?? []).filter((m) => m.Expression);
    // The metric-math text, evaluated here as CloudWatch would for one 5-minute period.
    const js = (expr?.Expression ?? '')
      .replace(/FILL\((\w+), 0\)/g, '(v.$1 ?? 0)')
      .replace(/\bAND\b/g, '&&')
      .replace(/^IF\((.*), 1, 0\)$/, '(($1) ? 1 : 0)');
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- our own fixed expression, rewritten to JS to check its logic
    const evaluate = new Function('v', `return ${js};`) as (v: Record<string, number | undefined>) => number;
    const fires = (v: Record<string, number | undefined>) => evaluate(v) >= (a.Threshold as number);
    assert.equal(fires({}), false, 'a quiet night: nothing due, nothing sent');
    assert.equal(fires({ backlog: 0, email: 0 }), false);
    assert.equal(fires({ backlog: 12 }), true, 'due, and no success at all');
    assert.equal(fires({ backlog: 12, email: 0, sms: 0 }), true);
    assert.equal(fires({ backlog: 12, sms: 1 }), false);
    assert.equal(fires({ email: 40 }), false);
  });

  it('WorkerHeartbeat alarms when the worker heartbeat is absent for 5 minutes', () => {
    const a = alarms.get('WorkerHeartbeat') as PutMetricAlarmCommandInput;
    assert.deepEqual(
      [a.Namespace, a.MetricName, a.Dimensions, a.Statistic, a.Period],
      [DEFAULT_NAMESPACE, 'WorkerHeartbeat', [{ Name: 'Scope', Value: 'all' }], 'SampleCount', 300],
    );
    assert.deepEqual(metric.heartbeat(), { name: 'WorkerHeartbeat', value: 1, unit: 'Count', dimensions: { Scope: 'all' } });
  });

  it('provisioning creates the topic, then puts exactly these seven alarms; running it again sends the same', async () => {
    const { clients, cwMock, snsMock } = setup();
    const first = await provisionAlarms(clients, { namespace: DEFAULT_NAMESPACE, topicName: 'RS-Systems-Notification-Alarms' });
    assert.equal(first.topicArn, TOPIC_ARN);
    assert.equal(first.subscribed, false);
    assert.deepEqual(
      snsMock.commandCalls(CreateTopicCommand).map((c) => c.args[0].input),
      [{ Name: 'RS-Systems-Notification-Alarms' }],
    );
    assert.equal(snsMock.commandCalls(SubscribeCommand).length, 0);
    const sent = cwMock.commandCalls(PutMetricAlarmCommand).map((c) => c.args[0].input);
    assert.deepEqual(sent, alarmDefinitions({ namespace: DEFAULT_NAMESPACE, topicArn: TOPIC_ARN }));

    await provisionAlarms(clients, { namespace: DEFAULT_NAMESPACE, topicName: 'RS-Systems-Notification-Alarms' });
    const again = cwMock.commandCalls(PutMetricAlarmCommand).map((c) => c.args[0].input);
    assert.deepEqual(again.slice(7), sent, 'the same names and definitions: PutMetricAlarm replaces, nothing is duplicated');
  });

  it('subscribes an email address to the topic when asked', async () => {
    const { clients, snsMock } = setup();
    const r = await provisionAlarms(clients, { namespace: DEFAULT_NAMESPACE, topicName: 'T', subscribeEmail: 'ops@example.com' });
    assert.equal(r.subscribed, true);
    assert.deepEqual(snsMock.commandCalls(SubscribeCommand)[0]?.args[0].input, {
      TopicArn: TOPIC_ARN,
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
  });

  it("stops before any alarm when the topic cannot be created, with AWS's error", async () => {
    const { clients, cwMock, snsMock } = setup();
    snsMock
      .on(CreateTopicCommand)
      .rejects(Object.assign(new Error('User is not authorized to perform: SNS:CreateTopic'), { name: 'AuthorizationErrorException' }));
    await assert.rejects(provisionAlarms(clients, { namespace: DEFAULT_NAMESPACE, topicName: 'T' }), {
      name: 'AuthorizationErrorException',
    });
    assert.equal(cwMock.commandCalls(PutMetricAlarmCommand).length, 0);
  });
});
