import assert from 'node:assert/strict';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { createCloudWatchMetrics, metric, type CloudWatchMetricsOptions, type MetricDatum } from '../../src/transports/metrics';

const credentials = { accessKeyId: 'AKIDTESTFAKE', secretAccessKey: 'fake-secret' };
const at = new Date('2026-11-22T08:00:00.000Z');

function setup(extra: Partial<CloudWatchMetricsOptions> = {}) {
  const cloudwatch = new CloudWatchClient({ region: 'eu-west-1', credentials });
  const cwMock = mockClient(cloudwatch);
  cwMock.on(PutMetricDataCommand).resolves({});
  const errors: unknown[] = [];
  const metrics = createCloudWatchMetrics({ cloudwatch, onError: (e) => errors.push(e), ...extra });
  return { metrics, cwMock, errors };
}

/** The inputs of every PutMetricData call so far. */
function sent(cwMock: ReturnType<typeof setup>['cwMock']) {
  return cwMock.commandCalls(PutMetricDataCommand).map((c) => c.args[0].input);
}

const count = (value: number): MetricDatum => ({ name: 'DeliverySuccess', value, unit: 'Count', dimensions: { Channel: 'email' }, at });

async function until(check: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) assert.fail('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('transports/metrics', () => {
  describe('createCloudWatchMetrics', () => {
    it('sends exactly what was recorded on flush: namespace, names, dimensions, units, timestamps', async () => {
      const { metrics, cwMock, errors } = setup();
      const before = Date.now();
      metrics.record({ ...metric.created('HIGH', 'assignment'), at });
      metrics.record({ ...metric.success('email'), at });
      metrics.record({ ...metric.duration('sms', 250), at });
      metrics.record({ ...metric.failure('sms', 'OptedOutException'), at });
      metrics.record(metric.success('sms'));
      assert.equal(metrics.buffered, 5);
      assert.equal(cwMock.calls().length, 0, 'record must not send anything by itself');

      await metrics.flush();
      await metrics.close();

      const inputs = sent(cwMock);
      assert.equal(inputs.length, 1);
      const last = inputs[0]!.MetricData![4]!;
      assert.ok(last.Timestamp instanceof Date && last.Timestamp.getTime() >= before && last.Timestamp.getTime() <= Date.now());
      assert.deepEqual(inputs[0], {
        Namespace: 'RSystems/Notifications',
        MetricData: [
          {
            MetricName: 'NotificationsCreated',
            Dimensions: [
              { Name: 'Priority', Value: 'HIGH' },
              { Name: 'Category', Value: 'assignment' },
            ],
            Unit: 'Count',
            Value: 1,
            Timestamp: at,
          },
          { MetricName: 'DeliverySuccess', Dimensions: [{ Name: 'Channel', Value: 'email' }], Unit: 'Count', Value: 1, Timestamp: at },
          {
            MetricName: 'DeliveryDuration',
            Dimensions: [{ Name: 'Channel', Value: 'sms' }],
            Unit: 'Milliseconds',
            Value: 250,
            Timestamp: at,
          },
          {
            MetricName: 'DeliveryFailure',
            Dimensions: [
              { Name: 'Channel', Value: 'sms' },
              { Name: 'ErrorCode', Value: 'OptedOutException' },
            ],
            Unit: 'Count',
            Value: 1,
            Timestamp: at,
          },
          {
            MetricName: 'DeliverySuccess',
            Dimensions: [{ Name: 'Channel', Value: 'sms' }],
            Unit: 'Count',
            Value: 1,
            Timestamp: last.Timestamp,
          },
        ],
      });
      assert.deepEqual(errors, []);
      assert.equal(metrics.buffered, 0);
    });

    it('honours a custom namespace and sends nothing when there is nothing to send', async () => {
      const { metrics, cwMock } = setup({ namespace: 'Test/Ns' });
      await metrics.flush();
      assert.equal(cwMock.calls().length, 0);
      metrics.record(count(1));
      await metrics.close();
      assert.equal(sent(cwMock)[0]!.Namespace, 'Test/Ns');
    });

    it('splits 2500 datums into calls of 1000, 1000 and 500, in order', async () => {
      const { metrics, cwMock } = setup();
      for (let i = 0; i < 2500; i++) metrics.record(count(i));
      await metrics.close();

      const inputs = sent(cwMock);
      assert.deepEqual(
        inputs.map((i) => i.MetricData!.length),
        [1000, 1000, 500],
      );
      assert.ok(inputs.every((i) => i.Namespace === 'RSystems/Notifications'));
      const values = inputs.flatMap((i) => i.MetricData!.map((d) => d.Value));
      assert.deepEqual(
        values,
        Array.from({ length: 2500 }, (_, i) => i),
      );
    });

    it('honours a smaller maxBatch and caps a larger one at CloudWatch’s 1000', async () => {
      const small = setup({ maxBatch: 4 });
      for (let i = 0; i < 10; i++) small.metrics.record(count(i));
      await small.metrics.close();
      assert.deepEqual(
        sent(small.cwMock).map((i) => i.MetricData!.length),
        [4, 4, 2],
      );

      const big = setup({ maxBatch: 5000 });
      for (let i = 0; i < 1500; i++) big.metrics.record(count(i));
      await big.metrics.close();
      assert.deepEqual(
        sent(big.cwMock).map((i) => i.MetricData!.length),
        [1000, 500],
      );
    });

    it('reports a failing PutMetricData to onError, drops that batch, still sends the others, and resolves', async () => {
      const { metrics, cwMock, errors } = setup();
      const throttled = Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } });
      cwMock.on(PutMetricDataCommand).rejectsOnce(throttled).resolves({});
      for (let i = 0; i < 1200; i++) metrics.record(count(i));

      await metrics.flush();

      assert.deepEqual(errors, [throttled]);
      assert.deepEqual(
        sent(cwMock).map((i) => i.MetricData!.length),
        [1000, 200],
      );
      // Not retried: the failed thousand is gone.
      await metrics.close();
      assert.equal(cwMock.calls().length, 2);
    });

    it('resolves even when every call fails and onError itself throws', async () => {
      const cloudwatch = new CloudWatchClient({ region: 'eu-west-1', credentials });
      mockClient(cloudwatch).on(PutMetricDataCommand).rejects(new Error('down'));
      const metrics = createCloudWatchMetrics({
        cloudwatch,
        onError: () => {
          throw new Error('logger broken');
        },
      });
      metrics.record(count(1));
      await metrics.flush();
      metrics.record(count(2));
      await metrics.close();
    });

    it('without onError a failure is swallowed', async () => {
      const cloudwatch = new CloudWatchClient({ region: 'eu-west-1', credentials });
      mockClient(cloudwatch).on(PutMetricDataCommand).rejects(new Error('down'));
      const metrics = createCloudWatchMetrics({ cloudwatch });
      metrics.record(count(1));
      await metrics.close();
    });

    it('record never throws, and refuses datums that would make CloudWatch reject a whole batch', async () => {
      const { metrics, cwMock } = setup();
      const bad: unknown[] = [
        { ...count(1), value: Number.NaN },
        { ...count(1), value: Number.POSITIVE_INFINITY },
        { ...count(1), value: '3' },
        { ...count(1), dimensions: { Channel: '' } },
        { ...count(1), dimensions: { '': 'email' } },
        { ...count(1), dimensions: Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`D${i}`, 'x'])) },
        { ...count(1), at: new Date('not a date') },
        { ...count(1), dimensions: null },
        null,
        undefined,
      ];
      for (const d of bad) assert.doesNotThrow(() => metrics.record(d as MetricDatum));
      metrics.record(count(7));

      assert.equal(metrics.dropped, bad.length);
      await metrics.close();
      assert.deepEqual(
        sent(cwMock).flatMap((i) => i.MetricData!.map((d) => d.Value)),
        [7],
      );
    });

    it('keeps at most 10 000 datums, dropping the oldest and counting them', async () => {
      const { metrics, cwMock } = setup();
      for (let i = 0; i < 10_005; i++) metrics.record(count(i));
      assert.equal(metrics.buffered, 10_000);
      assert.equal(metrics.dropped, 5);

      await metrics.close();

      const values = sent(cwMock).flatMap((i) => i.MetricData!.map((d) => d.Value));
      assert.equal(cwMock.calls().length, 10);
      assert.equal(values.length, 10_000);
      assert.equal(values[0], 5);
      assert.equal(values.at(-1), 10_004);
    });

    it('flushes on its own every flushIntervalMs', async () => {
      const { metrics, cwMock } = setup({ flushIntervalMs: 20 });
      metrics.record(count(1));
      await until(() => cwMock.calls().length === 1);
      metrics.record(count(2));
      await until(() => cwMock.calls().length === 2);
      await metrics.close();
      assert.deepEqual(
        sent(cwMock).map((i) => i.MetricData!.map((d) => d.Value)),
        [[1], [2]],
      );
    });

    it('close flushes once, stops the timer, and ignores later records', async () => {
      const { metrics, cwMock } = setup({ flushIntervalMs: 10 });
      metrics.record(count(1));
      await metrics.close();
      assert.equal(cwMock.calls().length, 1);

      metrics.record(count(2));
      assert.equal(metrics.dropped, 1);
      await new Promise((r) => setTimeout(r, 50));
      await metrics.close();
      assert.equal(cwMock.calls().length, 1);
    });

    it('flush also waits for a flush already under way', async () => {
      const { metrics, cwMock } = setup();
      let release: () => void = () => undefined;
      cwMock.on(PutMetricDataCommand).callsFake(() => new Promise<object>((r) => (release = () => r({}))));
      metrics.record(count(1));
      const first = metrics.flush();
      let secondDone = false;
      const second = metrics.flush().then(() => (secondDone = true));
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(secondDone, false, 'the second flush returned while the first batch was still being sent');
      release();
      await Promise.all([first, second]);
      assert.equal(cwMock.calls().length, 1);
      await metrics.close();
    });
  });
});
