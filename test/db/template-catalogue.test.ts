import assert from 'node:assert/strict';
import type { Db } from '../../src/db';
import { brandSettings } from '../../src/db/queries/templates';
import { EVENT_RULES } from '../../src/domain/events';
import { ACCOUNT_TEMPLATES } from '../../src/domain/notifications/account';
import { templateContext } from '../../src/domain/notifications/template-contexts';
import { singlePortal } from '../../src/domain/portals';
import { checkTemplateTexts, previewTemplate } from '../../src/domain/notifications/template-drafts';
import { freshDatabase } from '../support/harness';

// The templates the migrations ship against the context registry: a default template that uses a
// variable its sender does not give, or a registry that drifts from a template, fails here.
const MUST_REGISTER = new Set<string>([...Object.keys(EVENT_RULES), ...Object.values(ACCOUNT_TEMPLATES)]);

describe('db: the shipped templates and the context registry', () => {
  let db: Db;
  before(async () => {
    ({ db } = await freshDatabase());
  });
  after(() => db?.destroy());

  it('ships one active template for every event type, the digest and the account messages', async () => {
    const active: string[] = await db.knex('notification_templates').where('is_active', true).pluck('name');
    for (const name of [...Object.keys(EVENT_RULES), 'daily_digest', ...Object.values(ACCOUNT_TEMPLATES)])
      assert.ok(active.includes(name), `${name} has an active version`);
  });

  it('every shipped version uses only what its context provides and renders with its sample', async () => {
    const brand = await brandSettings(db.knex);
    const templates = await db.models.NotificationTemplate.query().orderBy(['name', 'version']);
    assert.ok(templates.length >= 13);
    for (const t of templates) {
      const context = templateContext(t.name, t.requiredContext, singlePortal('https://app.example.com'));
      if (MUST_REGISTER.has(t.name)) assert.ok(context.registered, `${t.name} is in the registry`);
      assert.deepEqual(checkTemplateTexts(t.name, t, t.requiredContext, context, brand), {}, `${t.name} v${t.version}`);
      const preview = previewTemplate(t, context, brand);
      assert.ok(preview.ok, `${t.name} v${t.version} renders`);
      for (const field of ['title', 'message', 'subject', 'html', 'text', 'sms'] as const) {
        assert.ok(preview.preview[field].length > 0, `${t.name} ${field}`);
        assert.doesNotMatch(preview.preview[field], /\{\{/, `${t.name} ${field} has no placeholder left`);
      }
    }
  });
});
