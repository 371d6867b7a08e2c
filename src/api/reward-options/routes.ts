import type { AnyRoute } from '../route';

export const rewardOptionRoutes: AnyRoute[] = [];
