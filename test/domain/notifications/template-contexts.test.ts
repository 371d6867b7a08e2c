import assert from 'node:assert/strict';
import { EVENT_RULES } from '../../../src/domain/events';
import { singlePortal } from '../../../src/domain/portals';
import {
  BRAND_VARIABLES,
  leafPaths,
  overlayContext,
  repairEventContext,
  TEMPLATE_CONTEXTS,
  templateContext,
} from '../../../src/domain/notifications/template-contexts';
import { checkTemplateTexts, previewTemplate, type TemplateTexts } from '../../../src/domain/notifications/template-drafts';
import { BRAND, bodyOf } from './template-fixtures';

const APP = 'https://app.example.com';
const PORTALS = singlePortal(APP);
const at = { repairId: 5, recipient: { username: 'alex' }, actionUrl: `${APP}/repairs/5` };
const texts = (over: Partial<TemplateTexts> = {}): TemplateTexts => ({
  title: 'Repair #{{repair.id}} denied',
  message: 'Denied: {{reason}}',
  emailSubject: 'Denied: repair #{{repair.id}}',
  emailHtml: '<p>{{reason}}</p>',
  emailText: '{{reason}}',
  sms: '{{brand.companyName}}: {{reason}}',
  ...over,
});
const REQUIRED = ['repair.id', 'repair.unitNumber', 'reason', 'actionUrl'];

describe('domain/notifications/template-contexts', () => {
  describe('repairEventContext (what the notification activity renders with)', () => {
    it('spreads the payload, adds the repair, recipient and link, and formats the amounts it carries', () => {
      const ctx = repairEventContext({ repairId: 5, unitNumber: 'U-1', status: 'COMPLETED', cost: 50, discountedCost: 45.5 }, at);
      assert.deepEqual(ctx, {
        repairId: 5,
        unitNumber: 'U-1',
        status: 'COMPLETED',
        cost: '$50.00',
        discountedCost: '$45.50',
        repair: { id: 5, unitNumber: 'U-1', status: 'COMPLETED' },
        recipient: { username: 'alex' },
        actionUrl: `${APP}/repairs/5`,
      });
    });

    it('says "to be confirmed" for an amount the event carries without a value, and leaves out amounts it does not carry', () => {
      const ctx = repairEventContext({ unitNumber: 'U-1', estimatedCost: null }, at);
      assert.equal(ctx.estimatedCost, 'to be confirmed');
      assert.ok(!('cost' in ctx) && !('discountedCost' in ctx));
    });
  });

  describe('the registry', () => {
    it('has a context for every event type and the daily digest', () => {
      for (const name of [...Object.keys(EVENT_RULES), 'daily_digest']) assert.ok(TEMPLATE_CONTEXTS[name], name);
    });

    it('offers each event exactly its payload, the repair, recipient, link and brand', () => {
      const denied = templateContext('repair_denied', [], PORTALS);
      assert.equal(denied.registered, true);
      assert.deepEqual(
        denied.variables.sort(),
        [
          ...BRAND_VARIABLES,
          'actionUrl',
          'customerId',
          'reason',
          'recipient.username',
          'repair.id',
          'repair.status',
          'repair.unitNumber',
          'repairId',
          'status',
          'technicianId',
          'unitNumber',
        ].sort(),
      );
      assert.ok(!templateContext('work_started', [], PORTALS).variables.includes('cost'), 'work_started has no cost');
      assert.ok(templateContext('work_completed', [], PORTALS).variables.includes('discountedCost'));
      assert.deepEqual(
        templateContext('daily_digest', [], PORTALS).variables.sort(),
        [...BRAND_VARIABLES, 'count', 'date', 'recipient.username'].sort(),
      );
    });

    it('gives a template it does not know only its requiredContext and brand.*, with a sample built from them', () => {
      const c = templateContext('welcome_letter', ['recipient.username', 'resetUrl', 'brand.companyName'], PORTALS);
      assert.equal(c.registered, false);
      assert.deepEqual(c.variables, ['recipient.username', 'resetUrl', ...BRAND_VARIABLES]);
      assert.deepEqual(c.sample, { recipient: { username: '[recipient.username]' }, resetUrl: '[resetUrl]' });
    });

    it('does not mistake an inherited property name for a registered template', () => {
      assert.equal(templateContext('constructor', [], PORTALS).registered, false);
    });
  });

  describe('leafPaths and overlayContext', () => {
    it('lists the paths to values, not to objects', () => {
      assert.deepEqual(leafPaths({ a: 1, b: { c: null, d: { e: 'x' } }, f: [1, 2], g: {} }), ['a', 'b.c', 'b.d.e', 'f', 'g']);
    });

    it('lays values over the sample object by object, and ignores prototype keys', () => {
      const over = JSON.parse('{"repair":{"unitNumber":"X-9"},"reason":"r","__proto__":{"polluted":true}}');
      const out = overlayContext({ repair: { id: 1, unitNumber: 'A' }, reason: 'sample' }, over);
      assert.deepEqual(out, { repair: { id: 1, unitNumber: 'X-9' }, reason: 'r' });
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
    });
  });

  describe('checkTemplateTexts', () => {
    const check = (t: TemplateTexts, required = REQUIRED, name = 'repair_denied') =>
      checkTemplateTexts(name, t, required, templateContext(name, required, PORTALS), BRAND);

    it('accepts texts that use only what the context provides', () => {
      assert.deepEqual(check(texts({ emailHtml: '<p>{{ recipient.username }}, {{brand.footerText}} {{ repair.status }}</p>' })), {});
    });

    it('names each unknown placeholder under its field', () => {
      assert.deepEqual(check(texts({ emailHtml: '<p>{{ nope }} {{foo.bar}}</p>', sms: '{{ cost }}' })), {
        emailHtml: 'uses {{ nope }}, {{ foo.bar }}, which the repair_denied context does not provide',
        sms: 'uses {{ cost }}, which the repair_denied context does not provide',
      });
    });

    it('refuses braces that are not a placeholder', () => {
      assert.match(check(texts({ title: 'Hi {{ repair id }}' })).title ?? '', /has \{\{ repair id \}\}, which is not a placeholder/);
    });

    it('refuses a contract the context cannot meet, and a title too long once rendered', () => {
      assert.deepEqual(check(texts(), [...REQUIRED, 'token']), {
        requiredContext: 'the template requires {{ token }}, which the repair_denied context does not provide',
      });
      assert.match(check(texts({ title: `${'x'.repeat(190)} {{reason}}` })).title ?? '', /renders to \d+ characters/);
    });

    it('holds a template it does not know to its requiredContext', () => {
      const t = texts({
        title: '{{ resetUrl }}',
        message: '{{ recipient.username }}',
        emailHtml: '{{resetUrl}}',
        emailText: 'x',
        sms: 'x',
      });
      assert.deepEqual(check({ ...t, emailSubject: 'Reset' }, ['resetUrl'], 'welcome_letter'), {
        message: 'uses {{ recipient.username }}, which the welcome_letter context does not provide',
      });
    });
  });

  describe('previewTemplate', () => {
    const tpl = { ...texts(), name: 'repair_denied', version: 3, requiredContext: REQUIRED };
    const ctx = templateContext('repair_denied', REQUIRED, PORTALS);

    it('renders all fields with the sample, escaping values in the HTML', () => {
      const r = previewTemplate(tpl, ctx, BRAND, { reason: '<b>too long</b> & "wide"' });
      assert.ok(r.ok);
      assert.equal(bodyOf(r.preview.html), '<p>&lt;b&gt;too long&lt;/b&gt; &amp; &quot;wide&quot;</p>');
      assert.equal(r.preview.text, '<b>too long</b> & "wide"');
      assert.equal(r.preview.subject, 'Denied: repair #1042');
      assert.equal(r.preview.sms, 'RS Systems: <b>too long</b> & "wide"');
      assert.equal(r.preview.title, 'Repair #1042 denied');
    });

    it('reports required context an override takes away', () => {
      assert.deepEqual(previewTemplate(tpl, ctx, BRAND, { reason: null }), {
        ok: false,
        fields: { 'context.reason': 'is required by the template' },
      });
    });

    it("appends the digest's list to a digest preview", () => {
      const digest = templateContext('daily_digest', [], PORTALS);
      const r = previewTemplate(
        {
          ...texts({ emailHtml: '<p>Hello {{recipient.username}}</p>', emailText: 'Hello' }),
          name: 'daily_digest',
          version: 1,
          requiredContext: [],
        },
        digest,
        BRAND,
      );
      assert.ok(r.ok);
      assert.match(r.preview.html, /Hello alex<\/p><ul/);
      assert.match(r.preview.text, /^Hello\n\n- Work started on unit TRK-107/);
    });
  });

  it('registers the announcement template with what its sender renders it with', () => {
    const ctx = templateContext('announcement', ['title', 'message'], singlePortal('https://app.example'));
    assert.equal(ctx.registered, true);
    for (const v of ['title', 'message', 'recipient.username']) assert.ok(ctx.variables.includes(v), v);
  });
});
