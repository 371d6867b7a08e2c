import type { FieldErrors } from '../errors';
import { overlayContext, type TemplateContext } from './template-contexts';
import { placeholders, renderTemplate, TemplateContextError, type BrandSettings, type RenderedNotification } from './templates';

/** The texts an admin writes for a version, in the order errors are reported. */
export const TEMPLATE_TEXT_FIELDS = ['title', 'message', 'emailSubject', 'emailHtml', 'emailText', 'sms'] as const;
export type TemplateTexts = Record<(typeof TEMPLATE_TEXT_FIELDS)[number], string>;

/** notifications.title is varchar(200): a longer rendered title would fail every delivery of the event. */
export const RENDERED_TITLE_MAX = 200;

const BRACES = /\{\{([^{}]*)\}\}/g;

/** `{{ a b }}` or `{{ 1x }}` are not placeholders: the renderer would print them as written. */
const malformed = (text: string) => Array.from(text.matchAll(BRACES), (m) => m[0]).filter((m) => placeholders(m).length === 0);

const list = (items: string[]) => items.map((p) => `{{ ${p} }}`).join(', ');

/**
 * Why these texts cannot be a version of the template, per field (empty when they can): a
 * placeholder the template's context does not provide, a brace pair that is no placeholder, or a
 * render with the sample context that fails (required context the sender does not give).
 */
export function checkTemplateTexts(
  name: string,
  texts: TemplateTexts,
  requiredContext: readonly string[],
  context: TemplateContext,
  brand: BrandSettings,
): FieldErrors {
  const provided = new Set(context.variables);
  const fields: FieldErrors = {};
  for (const field of TEMPLATE_TEXT_FIELDS) {
    const unknown = placeholders(texts[field]).filter((p) => !provided.has(p));
    const bad = malformed(texts[field]);
    if (unknown.length > 0) {
      fields[field] = `uses ${list(unknown)}, which the ${name} context does not provide`;
    } else if (bad.length > 0) {
      fields[field] = `has ${bad.join(', ')}, which is not a placeholder (write {{ name }} or {{ a.b }})`;
    }
  }
  if (Object.keys(fields).length > 0) return fields;
  try {
    const rendered = renderTemplate({ name, version: 0, ...texts, requiredContext: [...requiredContext] }, context.sample, brand);
    if (rendered.title.length > RENDERED_TITLE_MAX) {
      fields.title = `renders to ${rendered.title.length} characters with the sample context; at most ${RENDERED_TITLE_MAX}`;
    }
  } catch (err) {
    if (!(err instanceof TemplateContextError)) throw err;
    fields.requiredContext = `the template requires ${list(err.missing)}, which the ${name} context does not provide`;
  }
  return fields;
}

export interface Preview {
  title: string;
  message: string;
  subject: string;
  html: string;
  text: string;
  sms: string;
}

/**
 * A template rendered as the sender would, with the sample context (overlaid with `override`) and
 * the brand; the digest's list, or any appended content, included. Missing required context is
 * reported per path, under `context.`.
 */
export function previewTemplate(
  template: TemplateTexts & { name: string; version: number; requiredContext: string[] },
  context: TemplateContext,
  brand: BrandSettings,
  override: Record<string, unknown> = {},
): { ok: true; preview: Preview } | { ok: false; fields: FieldErrors } {
  let r: RenderedNotification;
  try {
    r = renderTemplate(template, overlayContext(context.sample, override), brand, context.appended);
  } catch (err) {
    if (!(err instanceof TemplateContextError)) throw err;
    return { ok: false, fields: Object.fromEntries(err.missing.map((p) => [`context.${p}`, 'is required by the template'])) };
  }
  return {
    ok: true,
    preview: { title: r.title, message: r.message, subject: r.emailSubject, html: r.emailHtml, text: r.emailText, sms: r.sms },
  };
}
