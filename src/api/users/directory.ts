import type { AnyRoute } from '../route';

export const userDirectoryRoutes: AnyRoute[] = [];
