import type { AnyRoute } from '../route';

export const announcementRoutes: AnyRoute[] = [];
