import type { AnyRoute } from '../route';

export const verificationRoutes: AnyRoute[] = [];
