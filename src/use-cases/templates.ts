import type { Knex } from 'knex';
import { NotFoundError, ValidationError } from '../domain/errors';
import { keys } from '../domain/keys';
import { templateContext } from '../domain/notifications/template-contexts';
import {
  checkTemplateTexts,
  previewTemplate,
  TEMPLATE_TEXT_FIELDS,
  type Preview,
  type TemplateTexts,
} from '../domain/notifications/template-drafts';
import type { NotificationTemplate } from '../db/models';
import { brandSettings } from '../db/queries/templates';
import type { UseCaseDeps } from './deps';

export interface TemplateSummary {
  name: string;
  activeVersion: number | null;
  /** False when the template has no entry in the context registry (domain/notifications/template-contexts.ts). */
  registered: boolean;
  requiredContext: string[];
  variables: string[];
  versions: { version: number; isActive: boolean; createdAt: Date; updatedAt: Date }[];
}

/** The contract a new version keeps: the active version's (or, with none active, the newest one's). */
const contractOf = (versions: NotificationTemplate[]) => (versions.find((v) => v.isActive) ?? versions.at(-1))?.requiredContext ?? [];

async function versionsOf(deps: UseCaseDeps, trx: Knex | Knex.Transaction, name: string): Promise<NotificationTemplate[]> {
  const rows = await deps.db.models.NotificationTemplate.query(trx).where('name', name).orderBy('version');
  if (rows.length === 0) throw new NotFoundError(`Template "${name}"`);
  return rows;
}

// Version numbers and the one active version are decided under one lock per name: two admins
// adding or activating at once are served in turn, never both against the same state.
const lockTemplate = (trx: Knex.Transaction, name: string) =>
  trx.raw('select pg_advisory_xact_lock(hashtext(?))', [keys.locks.templateVersions(name)]);

export async function listTemplates(deps: UseCaseDeps): Promise<TemplateSummary[]> {
  const rows = await deps.db.models.NotificationTemplate.query().orderBy('name').orderBy('version');
  const byName = new Map<string, NotificationTemplate[]>();
  for (const row of rows) byName.set(row.name, [...(byName.get(row.name) ?? []), row]);
  return [...byName].map(([name, versions]) => {
    const required = contractOf(versions);
    const context = templateContext(name, required, deps.config.notifications.portals);
    return {
      name,
      activeVersion: versions.find((v) => v.isActive)?.version ?? null,
      registered: context.registered,
      requiredContext: required,
      variables: context.variables,
      versions: versions.map((v) => ({ version: v.version, isActive: v.isActive, createdAt: v.createdAt, updatedAt: v.updatedAt })),
    };
  });
}

export const templateVersions = (deps: UseCaseDeps, name: string): Promise<NotificationTemplate[]> => versionsOf(deps, deps.db.knex, name);

/**
 * A new, inactive version. Refused (per field, naming the variable) unless every placeholder is one
 * the template's context provides and the texts render with its sample context.
 */
export async function addTemplateVersion(deps: UseCaseDeps, name: string, texts: TemplateTexts): Promise<NotificationTemplate> {
  return deps.db.knex.transaction(async (trx) => {
    await lockTemplate(trx, name);
    const versions = await versionsOf(deps, trx, name);
    const required = contractOf(versions);
    const brand = await brandSettings(trx);
    const fields = checkTemplateTexts(name, texts, required, templateContext(name, required, deps.config.notifications.portals), brand);
    if (Object.keys(fields).length > 0) throw new ValidationError(fields, `This version of "${name}" would not render`);
    const own = Object.fromEntries(TEMPLATE_TEXT_FIELDS.map((f) => [f, texts[f]])) as TemplateTexts;
    return deps.db.models.NotificationTemplate.query(trx).insertAndFetch({
      name,
      version: Math.max(...versions.map((v) => v.version)) + 1,
      ...own,
      requiredContext: required,
      isActive: false,
    });
  });
}

/**
 * Makes one version the active one. New notifications render with it at once (the senders read the
 * active version for each event); notifications already created keep the content they were given.
 */
export async function activateTemplateVersion(
  deps: UseCaseDeps,
  name: string,
  version: number,
): Promise<{ name: string; activeVersion: number; previousVersion: number | null }> {
  return deps.db.knex.transaction(async (trx) => {
    await lockTemplate(trx, name);
    const versions = await versionsOf(deps, trx, name);
    if (!versions.some((v) => v.version === version)) throw new NotFoundError(`Version ${version} of template "${name}"`);
    const previous = versions.find((v) => v.isActive)?.version ?? null;
    if (previous !== version) {
      // Off first: the partial unique index allows one active row per name at every moment.
      await deps.db.models.NotificationTemplate.query(trx).patch({ isActive: false }).where({ name, isActive: true });
      await deps.db.models.NotificationTemplate.query(trx).patch({ isActive: true }).where({ name, version });
    }
    return { name, activeVersion: version, previousVersion: previous };
  });
}

export type PreviewSource = { version?: number; texts?: TemplateTexts; context?: Record<string, unknown> };

/** A template rendered with its sample context (overlaid with `context`) and the current brand. */
export async function previewTemplateVersion(
  deps: UseCaseDeps,
  name: string,
  source: PreviewSource,
): Promise<Preview & { name: string; version: number | null }> {
  const versions = await versionsOf(deps, deps.db.knex, name);
  const required = contractOf(versions);
  const context = templateContext(name, required, deps.config.notifications.portals);
  const brand = await brandSettings(deps.db.knex);
  let template: TemplateTexts & { version: number; requiredContext: string[] };
  if (source.texts) {
    const fields = checkTemplateTexts(name, source.texts, required, context, brand);
    if (Object.keys(fields).length > 0) {
      throw new ValidationError(
        Object.fromEntries(Object.entries(fields).map(([k, v]) => [`texts.${k}`, v])),
        'These texts would not render',
      );
    }
    template = { ...source.texts, version: 0, requiredContext: required };
  } else {
    const chosen = source.version === undefined ? versions.find((v) => v.isActive) : versions.find((v) => v.version === source.version);
    if (!chosen)
      throw new NotFoundError(source.version === undefined ? `An active version of "${name}"` : `Version ${source.version} of "${name}"`);
    template = chosen;
  }
  const result = previewTemplate({ ...template, name }, context, brand, source.context);
  if (!result.ok) throw new ValidationError(result.fields, 'The context lacks what the template requires');
  return { name, version: source.texts ? null : template.version, ...result.preview };
}
