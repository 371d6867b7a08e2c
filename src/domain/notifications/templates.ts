import { smsBody } from './sms';

export interface RenderedNotification {
  title: string;
  message: string;
  emailSubject: string;
  emailHtml: string;
  emailText: string;
  sms: string;
}

/** The texts of a rendered notification, as the template writes them (with {{ placeholders }}). */
export interface NotificationTemplate extends RenderedNotification {
  name: string;
  version: number;
  /** Context paths (e.g. "repair.unitNumber") that must be present, not undefined or null, to render. */
  requiredContext: string[];
}

export interface BrandSettings {
  companyName: string;
  logoUrl: string | null;
  primaryColor: string;
  accentColor: string;
  footerText: string;
}

export class TemplateContextError extends Error {
  constructor(
    readonly template: string,
    readonly missing: string[],
  ) {
    super(`template "${template}" is missing required context: ${missing.join(', ')}`);
    this.name = 'TemplateContextError';
  }
}

// `{{ name }}` or `{{ a.b.c }}`, spaces optional. Anything else between braces is left as written,
// so a typo shows up in the output instead of silently vanishing.
const PLACEHOLDER = /\{\{\s*([A-Za-z_$][\w$]*(?:\.[\w$]+)*)\s*\}\}/g;

/** The variable paths a text uses, each once, in order of first use. */
export function placeholders(text: string): string[] {
  return [...new Set(Array.from(text.matchAll(PLACEHOLDER), (m) => m[1] ?? ''))];
}

function lookup(scope: Record<string, unknown>, path: string): unknown {
  let value: unknown = scope;
  for (const key of path.split('.')) {
    // Own properties only: `{{ constructor }}` or `{{ x.__proto__ }}` must not reach into prototypes.
    if (value === null || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

// Checked by tag rather than instanceof: in the workflow sandbox a Date may come from another realm.
const isDate = (value: unknown): value is Date => Object.prototype.toString.call(value) === '[object Date]';

function format(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (isDate(value)) return value.toISOString();
  if (Array.isArray(value)) return value.map(format).join(', ');
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'object':
      return JSON.stringify(value);
    default:
      return '';
  }
}

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

function substitute(text: string, scope: Record<string, unknown>, encode: (s: string) => string): string {
  // One pass with a replacer function: a value that itself contains "{{ ... }}" is never expanded.
  return text.replace(PLACEHOLDER, (_match, path: string) => encode(format(lookup(scope, path))));
}

// Colours go into style attributes, where escaping alone would still allow "red; background:url(...)".
const SAFE_COLOR = /^(?:#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})|[a-z]+)$/i;
const DEFAULT_PRIMARY = '#0b5394';
const DEFAULT_ACCENT = '#f1c232';
const safeColor = (color: string, fallback: string) => (SAFE_COLOR.test(color.trim()) ? color.trim() : fallback);
// Only web URLs make sense for an emailed logo; anything else (javascript:, data:, relative) is dropped.
const safeLogoUrl = (url: string | null) => (url !== null && /^https?:\/\/\S+$/i.test(url.trim()) ? url.trim() : null);

function brandedLayout(bodyHtml: string, subject: string, brand: BrandSettings): string {
  const primary = safeColor(brand.primaryColor, DEFAULT_PRIMARY);
  const accent = safeColor(brand.accentColor, DEFAULT_ACCENT);
  const company = escapeHtml(brand.companyName);
  const logoUrl = safeLogoUrl(brand.logoUrl);
  const masthead =
    logoUrl === null
      ? `<span style="font-size:20px;font-weight:bold;color:#ffffff;">${company}</span>`
      : `<img src="${escapeHtml(logoUrl)}" alt="${company}" height="40" style="display:block;border:0;">`;
  const footer = brand.footerText.trim() === '' ? '' : escapeHtml(brand.footerText);
  return [
    '<!DOCTYPE html>',
    `<html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
    '<body style="margin:0;padding:0;background:#f4f4f4;font-family:Arial,Helvetica,sans-serif;">',
    '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:600px;margin:0 auto;background:#ffffff;">',
    `<tr><td style="background:${primary};padding:16px 24px;border-bottom:4px solid ${accent};">${masthead}</td></tr>`,
    `<tr><td style="padding:24px;color:#222222;font-size:15px;line-height:1.5;">${bodyHtml}</td></tr>`,
    `<tr><td style="padding:16px 24px;color:#777777;font-size:12px;border-top:1px solid #e0e0e0;">${footer}</td></tr>`,
    '</table>',
    '</body></html>',
  ].join('\n');
}

/**
 * Renders every field of a template. Required context is checked first, for all fields at once, so
 * the error names everything missing. Brand settings are in scope as `brand.*` and take precedence
 * over a `brand` key in the context. Only the HTML body is escaped; the other fields are plain text.
 */
export function renderTemplate(
  t: NotificationTemplate,
  context: Record<string, unknown>,
  brand: BrandSettings,
  /** Code-built content placed after the body (e.g. a digest's list): already escaped, never substituted. */
  appended?: { html: string; text: string },
): RenderedNotification {
  const scope: Record<string, unknown> = { ...context, brand: { ...brand } };
  const missing = [...new Set(t.requiredContext)].filter((path) => {
    const value = lookup(scope, path);
    return value === undefined || value === null;
  });
  if (missing.length > 0) throw new TemplateContextError(t.name, missing);

  const plain = (text: string) => substitute(text, scope, (s) => s);
  const emailSubject = plain(t.emailSubject);
  return {
    title: plain(t.title),
    message: plain(t.message),
    emailSubject,
    emailHtml: brandedLayout(substitute(t.emailHtml, scope, escapeHtml) + (appended?.html ?? ''), emailSubject, brand),
    emailText: appended ? `${plain(t.emailText)}\n\n${appended.text}` : plain(t.emailText),
    sms: smsBody(plain(t.sms)),
  };
}
