import assert from 'node:assert/strict';
import type { BrandSettings, NotificationTemplate } from '../../../src/domain/notifications/templates';

/** What the template tests share: one brand, one template with its context, and helpers. */

export const BRAND: BrandSettings = {
  companyName: 'RS Systems',
  logoUrl: null,
  primaryColor: '#0b5394',
  accentColor: '#f1c232',
  footerText: 'RS Systems windshield repair.',
};

export const TEMPLATE: NotificationTemplate = {
  name: 'repair_denied',
  version: 2,
  title: 'Repair #{{repair.id}} denied',
  message: 'The customer denied repair #{{ repair.id }} on unit {{repair.unitNumber}}: {{reason}}',
  emailSubject: 'Denied: repair #{{repair.id}} on unit {{ repair.unitNumber }}',
  emailHtml:
    '<p>Unit <strong>{{repair.unitNumber}}</strong> was denied.</p><p>Reason: {{reason}}</p><p><a href="{{actionUrl}}">Open</a></p>',
  emailText: 'Unit {{repair.unitNumber}} was denied. Reason: {{reason}}\nOpen: {{actionUrl}}',
  sms: '{{brand.companyName}}: repair #{{repair.id}} denied: {{reason}}',
  requiredContext: ['repair.id', 'repair.unitNumber', 'reason', 'actionUrl'],
};

export const CONTEXT = {
  repair: { id: 42, unitNumber: 'TRK-7' },
  reason: 'Crack longer than 6 inches',
  actionUrl: 'https://app.example.com/repairs/42',
};

export const template = (over: Partial<NotificationTemplate>): NotificationTemplate => ({ ...TEMPLATE, ...over });
/** A template whose every field is the same text, to compare how each field is treated. */
export const uniform = (text: string, requiredContext: string[] = []): NotificationTemplate => ({
  name: 'uniform',
  version: 1,
  title: text,
  message: text,
  emailSubject: text,
  emailHtml: text,
  emailText: text,
  sms: text,
  requiredContext,
});

/** The template's own part of the HTML email, without the branded layout around it. */
export function bodyOf(html: string): string {
  const m = /<tr><td style="padding:24px;[^"]*">([\s\S]*?)<\/td><\/tr>/.exec(html);
  assert.ok(m, 'layout has a body cell');
  return m[1]!;
}
