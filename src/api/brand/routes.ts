import type { AnyRoute } from '../route';

export const brandRoutes: AnyRoute[] = [];
