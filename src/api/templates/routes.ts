import { z } from 'zod';
import type { NotificationTemplate } from '../../db/models';
import { RENDERED_TITLE_MAX } from '../../domain/notifications/template-drafts';
import {
  activateTemplateVersion,
  addTemplateVersion,
  listTemplates,
  previewTemplateVersion,
  templateVersions,
} from '../../use-cases/templates';
import { defineRoute } from '../route';

const nonEmpty = 'must not be empty';
const templateName = z.string().regex(/^[a-z][a-z0-9_]{0,49}$/, 'must be a template name such as work_started');
const nameParams = z.object({ name: templateName });
const versionParams = z.object({ name: templateName, v: z.coerce.number().int().positive('must be a positive integer') });

// Lengths: title and subject are varchar(200) in notification_templates; the rest bound the body.
const texts = z.object({
  title: z.string().trim().min(1, nonEmpty).max(RENDERED_TITLE_MAX),
  message: z.string().trim().min(1, nonEmpty).max(5_000),
  emailSubject: z.string().trim().min(1, nonEmpty).max(200),
  emailHtml: z.string().trim().min(1, nonEmpty).max(50_000),
  emailText: z.string().trim().min(1, nonEmpty).max(20_000),
  sms: z.string().trim().min(1, nonEmpty).max(1_000),
});

const versionSchema = texts.extend({
  name: z.string(),
  version: z.number().int(),
  isActive: z.boolean(),
  requiredContext: z.array(z.string()),
  createdAt: z.iso.datetime(),
});

const presentVersion = (t: NotificationTemplate): z.infer<typeof versionSchema> => ({
  name: t.name,
  version: t.version,
  isActive: t.isActive,
  title: t.title,
  message: t.message,
  emailSubject: t.emailSubject,
  emailHtml: t.emailHtml,
  emailText: t.emailText,
  sms: t.sms,
  requiredContext: t.requiredContext,
  createdAt: t.createdAt.toISOString(),
});

const summarySchema = z.object({
  name: z.string(),
  activeVersion: z.number().int().nullable(),
  registered: z.boolean(),
  requiredContext: z.array(z.string()),
  variables: z.array(z.string()),
  versions: z.array(
    z.object({ version: z.number().int(), isActive: z.boolean(), createdAt: z.iso.datetime(), updatedAt: z.iso.datetime() }),
  ),
});

const previewBody = z
  .object({
    version: z.number().int().positive('must be a positive integer').optional(),
    texts: texts.optional(),
    context: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((b) => b.version === undefined || b.texts === undefined, { path: ['texts'], message: 'send either version or texts, not both' });

const previewSchema = z.object({
  name: z.string(),
  version: z.number().int().nullable(),
  title: z.string(),
  message: z.string(),
  subject: z.string(),
  html: z.string(),
  text: z.string(),
  sms: z.string(),
});

const activationSchema = z.object({ name: z.string(), activeVersion: z.number().int(), previousVersion: z.number().int().nullable() });

const tag = 'admin';

export const templateRoutes = [
  defineRoute({
    method: 'get',
    path: '/admin/templates',
    tag,
    summary: 'Every notification template: its active version, its versions, and the placeholders its context provides',
    access: ['admin'],
    response: z.object({ items: z.array(summarySchema) }),
    handler: async (_req, deps) => ({
      items: (await listTemplates(deps)).map((t) => ({
        ...t,
        versions: t.versions.map((v) => ({ ...v, createdAt: v.createdAt.toISOString(), updatedAt: v.updatedAt.toISOString() })),
      })),
    }),
  }),
  defineRoute({
    method: 'get',
    path: '/admin/templates/:name/versions',
    tag,
    summary: "A template's versions with their texts, oldest first",
    access: ['admin'],
    params: nameParams,
    response: z.object({ items: z.array(versionSchema) }),
    errors: [404],
    handler: async ({ params }, deps) => ({ items: (await templateVersions(deps, params.name)).map(presentVersion) }),
  }),
  defineRoute({
    method: 'post',
    path: '/admin/templates/:name/versions',
    tag,
    summary:
      'Add a version (inactive until activated); refused with 400 naming the variable when a placeholder is not in the context or the texts do not render with it',
    access: ['admin'],
    params: nameParams,
    body: texts,
    status: 201,
    response: versionSchema,
    errors: [404],
    handler: async ({ params, body }, deps) => presentVersion(await addTemplateVersion(deps, params.name, body)),
  }),
  defineRoute({
    method: 'post',
    path: '/admin/templates/:name/versions/:v/activate',
    tag,
    summary: 'Make a version the active one: new notifications use it at once, those already created keep their content',
    access: ['admin'],
    params: versionParams,
    response: activationSchema,
    errors: [404],
    handler: async ({ params }, deps) => activateTemplateVersion(deps, params.name, params.v),
  }),
  defineRoute({
    method: 'post',
    path: '/admin/templates/:name/preview',
    tag,
    summary:
      "Render the active version, a `version`, or draft `texts` with the template's sample context (overridden by `context`) and the current brand",
    access: ['admin'],
    params: nameParams,
    body: previewBody,
    response: previewSchema,
    errors: [404],
    handler: async ({ params, body }, deps) => previewTemplateVersion(deps, params.name, body),
  }),
];
