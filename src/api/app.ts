import Router from '@koa/router';
import Koa from 'koa';
import type { AppDeps } from './context';
import { ApiError } from './errors';
import { createApiMetrics, metricsEndpoint } from './metrics';
import { mountDocs } from './docs/routes';
import { adminNotificationRoutes } from './admin/routes';
import { announcementRoutes } from './announcements/routes';
import { approvalRoutes } from './approvals/routes';
import { passwordResetRoutes } from './auth/password-reset';
import { brandRoutes } from './brand/routes';
import { commentRoutes } from './comments/routes';
import { meRoutes } from './me/routes';
import { verificationRoutes } from './me/verifications';
import { rewardOptionRoutes } from './reward-options/routes';
import { templateRoutes } from './templates/routes';
import { userDirectoryRoutes } from './users/directory';
import { authRoutes } from './auth/routes';
import { customerPreferenceRoutes } from './customer-preferences/routes';
import { customerRoutes } from './customers/routes';
import { eventRoutes } from './events/routes';
import { customerSummaryRoutes } from './customers/summary';
import { healthRoutes } from './health/routes';
import { jsonBody } from './middleware/body';
import { errorHandler } from './middleware/errors';
import { requestContext } from './middleware/request-context';
import { notificationRoutes } from './notifications/routes';
import { notificationRolloutRoutes } from './notification-rollout/routes';
import { buildOpenApi } from './openapi';
import { photoRoutes } from './photos/routes';
import { preferenceRoutes } from './preferences/routes';
import { batchRoutes } from './repairs/batches';
import { repairCsvRoutes } from './repairs/csv';
import { rewardRoutes } from './rewards/routes';
import { repairRoutes } from './repairs/routes';
import { repairEditRoutes } from './repairs/edit';
import { mountRoutes, type AnyRoute } from './route';
import { technicianRoutes } from './technicians/routes';
import { userRoutes } from './users/routes';
import { sesWebhookRoutes } from './webhooks/ses';

export const ROUTES: readonly AnyRoute[] = [
  ...healthRoutes,
  ...authRoutes,
  ...passwordResetRoutes,
  ...meRoutes,
  ...verificationRoutes,
  ...customerRoutes,
  ...customerSummaryRoutes,
  ...customerPreferenceRoutes,
  ...userRoutes,
  ...userDirectoryRoutes,
  ...technicianRoutes,
  ...repairCsvRoutes,
  ...repairRoutes,
  ...repairEditRoutes,
  ...commentRoutes,
  ...batchRoutes,
  ...photoRoutes,
  ...rewardRoutes,
  ...notificationRoutes,
  ...preferenceRoutes,
  ...adminNotificationRoutes,
  ...announcementRoutes,
  ...templateRoutes,
  ...brandRoutes,
  ...notificationRolloutRoutes,
  ...rewardOptionRoutes,
  ...approvalRoutes,
  ...sesWebhookRoutes,
  ...eventRoutes,
];

export function createApp(deps: AppDeps): Koa {
  // Behind a proxy that sets X-Forwarded-For, the client address (login throttling) comes from it.
  const app = new Koa({ proxy: deps.config.http.trustProxy });
  app.silent = true; // errors are logged by our middleware, with the request id
  const router = new Router({ prefix: '/api' });
  let openapi: unknown;
  mountDocs(router, () => (openapi ??= buildOpenApi(ROUTES)));
  mountRoutes(router, ROUTES, deps);

  const metrics = createApiMetrics(() => deps.events?.streams ?? 0);
  app.use(requestContext(deps.logger));
  app.use(metrics.middleware);
  app.use(metricsEndpoint(metrics, deps.config.http.metricsToken));
  app.use(errorHandler());
  app.use(jsonBody(deps.config.http.bodyLimitKb));
  app.use(router.routes());
  // A method the router does not know at all (TRACE, PROPFIND...) is the client's mistake too: 405, not 501.
  app.use(router.allowedMethods({ throw: true, notImplemented: () => new ApiError('METHOD_NOT_ALLOWED') }));
  return app;
}
