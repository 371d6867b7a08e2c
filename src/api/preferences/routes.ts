import { loadPreferences, savePreferences } from '../../db/queries/preferences';
import { defineRoute, type AnyRoute } from '../route';
import { preferencesBody, preferencesSchema, presentPreferences } from './schema';

const ALL = ['customer', 'technician', 'admin'] as const;

export const preferenceRoutes: AnyRoute[] = [
  defineRoute({
    method: 'get',
    path: '/notification-preferences',
    tag: 'notifications',
    summary: "The caller's notification preferences (the defaults until they save some)",
    access: ALL,
    response: preferencesSchema,
    handler: async ({ user }, { db }) => presentPreferences(await loadPreferences(db.knex, user.id)),
  }),
  defineRoute({
    method: 'put',
    path: '/notification-preferences',
    tag: 'notifications',
    summary:
      "Replaces the caller's notification preferences; every field is required, categories has exactly " +
      'repair_status, assignment, approval, reward and system',
    access: ALL,
    body: preferencesBody,
    response: preferencesSchema,
    handler: async ({ body, user }, { db }) => {
      await savePreferences(db.knex, user.id, body);
      return presentPreferences(await loadPreferences(db.knex, user.id));
    },
  }),
];
