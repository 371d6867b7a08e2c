import { timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The API's Prometheus metrics, beside the CloudWatch ones the notification pipeline reports. One
 * registry per app (tests run several apps in one process). Routes are labelled by their template
 * (`/repairs/:id`), never the raw path, so ids cannot grow the series without bound.
 */
export function createApiMetrics(openStreams: () => number) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({ name: 'http_requests_total', help: 'HTTP requests answered', labelNames, registers: [registry] });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer an HTTP request',
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const serverErrors = new Counter({
    name: 'http_server_errors_total',
    help: 'HTTP requests answered with a 5xx',
    labelNames: ['method', 'route'],
    registers: [registry],
  });
  new Gauge({
    name: 'event_streams_open',
    help: 'Server-Sent Event streams open on this process',
    registers: [registry],
    collect() {
      this.set(openStreams());
    },
  });

  const middleware: Middleware = async (ctx, next) => {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const labels = { method: ctx.method, route: ctx.state.routePath ?? 'unmatched', status: String(ctx.status) };
      requests.inc(labels);
      duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
      if (ctx.status >= 500) serverErrors.inc({ method: ctx.method, route: labels.route });
    }
  };

  return { registry, middleware };
}

export type ApiMetrics = ReturnType<typeof createApiMetrics>;

/**
 * `GET /metrics` in Prometheus text. With a token configured, only a scraper sending it as a bearer
 * token gets the figures (they name routes and volumes); without one, the endpoint is open, for a
 * network where only the scraper reaches the port.
 */
export function metricsEndpoint(metrics: ApiMetrics, token: string | undefined): Middleware {
  const expected = token === undefined ? undefined : Buffer.from(`Bearer ${token}`);
  return async (ctx, next) => {
    if (ctx.path !== '/metrics' || ctx.method !== 'GET') {
      await next();
      return;
    }
    if (expected) {
      const given = Buffer.from(ctx.get('authorization'));
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        ctx.status = 401;
        ctx.set('WWW-Authenticate', 'Bearer');
        ctx.body = { error: { code: 'UNAUTHENTICATED', message: 'Send Authorization: Bearer <METRICS_TOKEN>' } };
        return;
      }
    }
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  };
}
