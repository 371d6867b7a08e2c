import type { AnyRoute } from '../route';

export const meRoutes: AnyRoute[] = [];
