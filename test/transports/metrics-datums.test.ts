import assert from 'node:assert/strict';
import { createLoggingMetrics, metric, type MetricDatum } from '../../src/transports/metrics';

// The CloudWatch sender's batching, timer and failures are in metrics.test.ts.
const at = new Date('2026-11-22T08:00:00.000Z');

describe('transports/metrics: datums and the logging sink', () => {
  describe('metric helpers', () => {
    it('build the spec’s metrics with their dimensions and units', () => {
      assert.deepEqual(metric.created('URGENT', 'approval'), {
        name: 'NotificationsCreated',
        value: 1,
        unit: 'Count',
        dimensions: { Priority: 'URGENT', Category: 'approval' },
      });
      assert.deepEqual(metric.success('sms'), { name: 'DeliverySuccess', value: 1, unit: 'Count', dimensions: { Channel: 'sms' } });
      assert.deepEqual(metric.duration('email', 183.5), {
        name: 'DeliveryDuration',
        value: 183.5,
        unit: 'Milliseconds',
        dimensions: { Channel: 'email' },
      });
      assert.deepEqual(metric.failure('email', 'MessageRejected'), {
        name: 'DeliveryFailure',
        value: 1,
        unit: 'Count',
        dimensions: { Channel: 'email', ErrorCode: 'MessageRejected' },
      });
    });

    it('never produce a dimension value CloudWatch would reject', () => {
      assert.deepEqual(metric.failure('sms', '').dimensions, { Channel: 'sms', ErrorCode: 'Unknown' });
      assert.equal(metric.failure('sms', 'X'.repeat(2000)).dimensions.ErrorCode!.length, 255);
    });
  });

  describe('createLoggingMetrics', () => {
    it('hands every datum to the log, stamped with a time', async () => {
      const logged: MetricDatum[] = [];
      const metrics = createLoggingMetrics((d) => logged.push(d));
      metrics.record({ ...metric.success('email'), at });
      metrics.record(metric.failure('sms', 'Throttling'));
      await metrics.flush();
      await metrics.close();
      assert.deepEqual(logged[0], { ...metric.success('email'), at });
      assert.deepEqual({ ...logged[1], at: undefined }, { ...metric.failure('sms', 'Throttling'), at: undefined });
      assert.ok(logged[1]!.at instanceof Date);
    });

    it('never throws when the log does', () => {
      const metrics = createLoggingMetrics(() => {
        throw new Error('stdout closed');
      });
      assert.doesNotThrow(() => metrics.record(metric.success('email')));
    });
  });
});
