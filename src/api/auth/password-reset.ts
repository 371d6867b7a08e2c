import type { AnyRoute } from '../route';

export const passwordResetRoutes: AnyRoute[] = [];
