import type { AnyRoute } from '../route';

export const templateRoutes: AnyRoute[] = [];
