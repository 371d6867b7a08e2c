import { PutMetricDataCommand, type CloudWatchClient, type MetricDatum as CloudWatchDatum } from '@aws-sdk/client-cloudwatch';

export type MetricName =
  | 'NotificationsCreated'
  | 'DeliverySuccess'
  | 'DeliveryDuration'
  | 'DeliveryFailure'
  | 'SmsCostEstimate'
  | 'DeliveryBacklog'
  | 'WorkerHeartbeat';

export interface MetricDatum {
  name: MetricName;
  value: number;
  unit: 'Count' | 'Milliseconds' | 'None';
  dimensions: Record<string, string>;
  at?: Date;
}

export interface Metrics {
  /** Buffers only: never throws, never waits, never does I/O. */
  record(d: MetricDatum): void;
  /** Sends what is buffered; resolves even when CloudWatch fails. */
  flush(): Promise<void>;
  /** Stops the timer and flushes once. */
  close(): Promise<void>;
}

export interface CloudWatchMetrics extends Metrics {
  /** Datums thrown away: buffer overflow, invalid values, records after close. */
  readonly dropped: number;
  /** Datums waiting for the next flush. */
  readonly buffered: number;
}

export interface CloudWatchMetricsOptions {
  cloudwatch: CloudWatchClient;
  namespace?: string;
  flushIntervalMs?: number;
  /** Datums per PutMetricData call; CloudWatch accepts at most 1,000. */
  maxBatch?: number;
  onError?: (err: unknown) => void;
  /** Upper bound for one PutMetricData call, so close() cannot hang a shutdown. */
  requestTimeoutMs?: number;
}

export const DEFAULT_NAMESPACE = 'RSystems/Notifications';
const MAX_BUFFERED = 10_000;
const CLOUDWATCH_MAX_BATCH = 1000;
const CLOUDWATCH_MAX_DIMENSIONS = 30;

export function createCloudWatchMetrics(opts: CloudWatchMetricsOptions): CloudWatchMetrics {
  const namespace = opts.namespace ?? DEFAULT_NAMESPACE;
  const maxBatch = Math.max(1, Math.min(opts.maxBatch ?? CLOUDWATCH_MAX_BATCH, CLOUDWATCH_MAX_BATCH));
  const flushIntervalMs = opts.flushIntervalMs ?? 10_000;
  const requestTimeoutMs = opts.requestTimeoutMs ?? 10_000;
  const buffer = new RingBuffer<CloudWatchDatum>(MAX_BUFFERED);
  const inFlight = new Set<Promise<void>>();
  let dropped = 0;
  let closed = false;

  const report = (err: unknown): void => {
    try {
      opts.onError?.(err);
    } catch {
      // A broken error handler must not turn a lost metric into a failed delivery.
    }
  };

  const send = async (data: CloudWatchDatum[]): Promise<void> => {
    for (let i = 0; i < data.length; i += maxBatch) {
      try {
        await opts.cloudwatch.send(new PutMetricDataCommand({ Namespace: namespace, MetricData: data.slice(i, i + maxBatch) }), {
          abortSignal: AbortSignal.timeout(requestTimeoutMs),
        });
      } catch (err) {
        // Dropped on purpose: the SDK has already retried, and holding on to failed batches
        // would let a CloudWatch outage grow memory or flood it when it comes back.
        report(err);
      }
    }
  };

  const flush = async (): Promise<void> => {
    const data = buffer.drain();
    if (data.length > 0) {
      const sending = send(data);
      inFlight.add(sending);
      void sending.finally(() => inFlight.delete(sending));
    }
    // Also waits for a timer flush already under way, so "flushed" means what was recorded is out.
    await Promise.all([...inFlight]);
  };

  const timer = setInterval(() => void flush(), flushIntervalMs);
  // Metrics must never keep a finished process alive.
  timer.unref();

  return {
    get dropped() {
      return dropped;
    },
    get buffered() {
      return buffer.size;
    },

    record(d: MetricDatum): void {
      try {
        if (closed || !isValid(d)) {
          dropped++;
          return;
        }
        const evicted = buffer.push({
          MetricName: d.name,
          Dimensions: Object.entries(d.dimensions).map(([Name, Value]) => ({ Name, Value })),
          Unit: d.unit,
          Value: d.value,
          // Stamped now, not at flush time, so a datum lands in the minute it happened.
          Timestamp: d.at ?? new Date(),
        });
        if (evicted) dropped++;
      } catch {
        dropped++;
      }
    },

    flush,

    async close(): Promise<void> {
      if (closed) return flush();
      closed = true;
      clearInterval(timer);
      await flush();
    },
  };
}

/** One bad datum would make CloudWatch reject its whole batch, so it is refused at the door. */
function isValid(d: MetricDatum): boolean {
  if (typeof d.value !== 'number' || !Number.isFinite(d.value)) return false;
  if (d.at !== undefined && !(d.at instanceof Date && Number.isFinite(d.at.getTime()))) return false;
  const dims = Object.entries(d.dimensions);
  if (dims.length > CLOUDWATCH_MAX_DIMENSIONS) return false;
  return dims.every(([k, v]) => k.length > 0 && k.length <= 255 && typeof v === 'string' && v.length > 0 && v.length <= 1024);
}

/** For the local transport: metrics go to a log line instead of CloudWatch. */
export function createLoggingMetrics(log: (d: MetricDatum) => void): Metrics {
  return {
    record(d: MetricDatum): void {
      try {
        log({ ...d, at: d.at ?? new Date() });
      } catch {
        // Same promise as the CloudWatch variant: recording never fails the caller.
      }
    },
    flush: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}

/** CloudWatch refuses empty dimension values; an unknown error code is still worth counting. */
function dim(value: string): string {
  const v = String(value).trim();
  return v === '' ? 'Unknown' : v.slice(0, 255);
}

/** The spec's metrics with their dimensions, so call sites cannot misspell them. */
export const metric = {
  created: (priority: string, category: string): MetricDatum => ({
    name: 'NotificationsCreated',
    value: 1,
    unit: 'Count',
    dimensions: { Priority: dim(priority), Category: dim(category) },
  }),
  success: (channel: string): MetricDatum => ({
    name: 'DeliverySuccess',
    value: 1,
    unit: 'Count',
    dimensions: { Channel: dim(channel) },
  }),
  duration: (channel: string, ms: number): MetricDatum => ({
    name: 'DeliveryDuration',
    value: ms,
    unit: 'Milliseconds',
    dimensions: { Channel: dim(channel) },
  }),
  failure: (channel: string, errorCode: string): MetricDatum => ({
    name: 'DeliveryFailure',
    value: 1,
    unit: 'Count',
    dimensions: { Channel: dim(channel), ErrorCode: dim(errorCode) },
  }),
  /** Failures per channel alone: CloudWatch does not add up dimension sets, and the rate alarms need this one. */
  failureByChannel: (channel: string): MetricDatum => ({
    name: 'DeliveryFailure',
    value: 1,
    unit: 'Count',
    dimensions: { Channel: dim(channel) },
  }),
  /** USD, by the transport's estimate: what the SMS-cost alarm sums per hour. */
  smsCost: (usd: number): MetricDatum => ({ name: 'SmsCostEstimate', value: usd, unit: 'None', dimensions: { Channel: 'sms' } }),
  /** Email/SMS deliveries due but not yet finished (a gauge the worker samples). */
  backlog: (count: number): MetricDatum => ({ name: 'DeliveryBacklog', value: count, unit: 'Count', dimensions: { Scope: 'all' } }),
  /** One per worker per metrics interval: its absence is what the heartbeat alarm watches. */
  heartbeat: (): MetricDatum => ({ name: 'WorkerHeartbeat', value: 1, unit: 'Count', dimensions: { Scope: 'all' } }),
};

/** A failed send counts twice: by channel and error code (to investigate), and by channel (to alarm on). */
export function recordFailure(metrics: Metrics, channel: string, errorCode: string): void {
  metrics.record(metric.failure(channel, errorCode));
  metrics.record(metric.failureByChannel(channel));
}

/** Fixed capacity, O(1) push; when full the oldest entry gives way to the newest. */
class RingBuffer<T> {
  private readonly items: (T | undefined)[];
  private head = 0;
  size = 0;

  constructor(private readonly capacity: number) {
    this.items = new Array<T | undefined>(capacity);
  }

  /** Returns true when an old entry was overwritten. */
  push(item: T): boolean {
    const tail = (this.head + this.size) % this.capacity;
    this.items[tail] = item;
    if (this.size < this.capacity) {
      this.size++;
      return false;
    }
    this.head = (this.head + 1) % this.capacity;
    return true;
  }

  drain(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.size; i++) {
      const idx = (this.head + i) % this.capacity;
      out.push(this.items[idx] as T);
      this.items[idx] = undefined;
    }
    this.head = 0;
    this.size = 0;
    return out;
  }
}
