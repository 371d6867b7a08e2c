import assert from 'node:assert/strict';
import { carriesApprovalLink } from '../../src/domain/approval-links';
import { leafPaths, repairEventContext, templateContext } from '../../src/domain/notifications/template-contexts';
import { singlePortal } from '../../src/domain/portals';
import { eventually } from '../support/eventually';
import { insertCustomer, insertUser, PASSWORD } from '../support/fixtures';
import { startHarness, type Harness } from '../support/harness';
import { assertAdminOnly } from './admin-access';
import { ok, requests } from './requests';

const TEXTS = {
  title: 'Please approve #{{repair.id}} ({{ repair.unitNumber }})',
  message: 'Unit {{repair.unitNumber}}: estimate {{estimatedCost}}.',
  emailSubject: 'Approve repair #{{repair.id}}',
  emailHtml: '<p>Hello {{recipient.username}}, unit <b>{{repair.unitNumber}}</b> needs you.</p><p><a href="{{actionUrl}}">Open</a></p>',
  emailText: 'Hello {{recipient.username}}, unit {{repair.unitNumber}} needs you: {{actionUrl}}',
  sms: '{{brand.companyName}}: approve #{{repair.id}} {{actionUrl}}',
};

describe('api: admin templates', () => {
  let h: Harness;
  const t: Record<string, string> = {};
  let customerId = 0;

  before(async () => {
    h = await startHarness();
    customerId = await insertCustomer(h.db, 'Fleet T');
    await insertUser(h.db, 'cara', 'customer', { customerId });
    await insertUser(h.db, 'tim', 'technician');
    await insertUser(h.db, 'root', 'admin');
    for (const name of ['cara', 'tim', 'root']) t[name] = await h.login(name, PASSWORD);
  });
  after(() => h?.close());

  const { get, post } = requests(() => h);
  const versionsOf = async (name: string) => ok(await get(t.root, `/api/admin/templates/${name}/versions`)).items as any[];
  const activeRows = (name: string) => h.db.knex('notification_templates').where({ name, is_active: true }).pluck('version');

  it('is for admins only', async () => {
    await assertAdminOnly(h, { customer: t.cara!, technician: t.tim! }, [
      { method: 'GET', path: '/api/admin/templates' },
      { method: 'GET', path: '/api/admin/templates/work_started/versions' },
      { method: 'POST', path: '/api/admin/templates/work_started/versions', body: TEXTS },
      { method: 'POST', path: '/api/admin/templates/work_started/versions/1/activate' },
      { method: 'POST', path: '/api/admin/templates/work_started/preview', body: {} },
    ]);
    assert.equal((await versionsOf('work_started')).length, 1, 'nothing was written');
  });

  it('answers 404 for a template or version that does not exist', async () => {
    assert.equal((await get(t.root, '/api/admin/templates/no_such/versions')).status, 404);
    assert.equal((await post(t.root, '/api/admin/templates/no_such/versions', TEXTS)).status, 404);
    assert.equal((await post(t.root, '/api/admin/templates/no_such/versions/1/activate')).status, 404);
    assert.equal((await post(t.root, '/api/admin/templates/work_started/versions/99/activate')).status, 404);
    assert.equal((await post(t.root, '/api/admin/templates/no_such/preview', {})).status, 404);
    assert.equal((await post(t.root, '/api/admin/templates/work_started/preview', { version: 99 })).status, 404);
    assert.equal((await get(t.root, '/api/admin/templates/Bad-Name/versions')).status, 400);
  });

  it('lists every template with its active version, versions and variables', async () => {
    const items = ok(await get(t.root, '/api/admin/templates')).items as any[];
    const started = items.find((i) => i.name === 'work_started');
    assert.deepEqual([started.activeVersion, started.registered, started.versions.length], [1, true, 1]);
    assert.ok(started.variables.includes('repair.unitNumber') && started.variables.includes('brand.companyName'));
    for (const name of ['approval_requested', 'daily_digest', 'reward_applied'])
      assert.ok(
        items.some((i) => i.name === name),
        name,
      );
  });

  it('refuses a version with a placeholder the context lacks, naming field and variable, and stores nothing', async () => {
    const res = await post(t.root, '/api/admin/templates/approval_requested/versions', { ...TEXTS, emailHtml: '<p>{{ nope }}</p>' });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body.error.fields, { emailHtml: 'uses {{ nope }}, which the approval_requested context does not provide' });
    const cost = await post(t.root, '/api/admin/templates/approval_requested/versions', { ...TEXTS, sms: 'to pay {{ discountedCost }}' });
    assert.match(cost.body.error.fields.sms, /\{\{ discountedCost \}\}, which the approval_requested context/);
    const blank = await post(t.root, '/api/admin/templates/approval_requested/versions', { ...TEXTS, title: ' ' });
    assert.equal(blank.body.error.fields.title, 'must not be empty');
    assert.equal((await versionsOf('approval_requested')).length, 2, 'the shipped versions only');
  });

  it('previews the active version, a version, or draft texts: all fields, HTML escaped, with the brand', async () => {
    const active = ok(await post(t.root, '/api/admin/templates/approval_requested/preview', {}));
    for (const field of ['subject', 'html', 'text', 'sms']) assert.equal(typeof active[field], 'string', field);
    assert.match(active.subject, /^Please approve repair #1042 on unit TRK-107$/);
    assert.match(active.html, /Estimated cost: \$85\.00/);
    assert.match(active.html, /RS Systems/);
    const draft = ok(
      await post(t.root, '/api/admin/templates/approval_requested/preview', {
        texts: TEXTS,
        context: { repair: { unitNumber: '<script>x</script>' }, recipient: { username: 'Ann & "Bo"' } },
      }),
    );
    assert.equal(draft.version, null);
    assert.match(draft.html, /unit <b>&lt;script&gt;x&lt;\/script&gt;<\/b>/);
    assert.match(draft.html, /Hello Ann &amp; &quot;Bo&quot;/);
    assert.equal(draft.text, 'Hello Ann & "Bo", unit <script>x</script> needs you: http://127.0.0.1:3000/repairs/1042');
    assert.equal(draft.subject, 'Approve repair #1042');
    assert.match(draft.sms, /^RS Systems: approve #1042 /);
    const bad = await post(t.root, '/api/admin/templates/approval_requested/preview', { texts: { ...TEXTS, title: '{{ x }}' } });
    assert.match(bad.body.error.fields['texts.title'], /\{\{ x \}\}/);
    const both = await post(t.root, '/api/admin/templates/approval_requested/preview', { version: 1, texts: TEXTS });
    assert.equal(both.body.error.fields.texts, 'send either version or texts, not both');
    const missing = await post(t.root, '/api/admin/templates/approval_requested/preview', { context: { actionUrl: null } });
    assert.deepEqual(missing.body.error.fields, { 'context.actionUrl': 'is required by the template' });
  });

  async function submittedRepair(unitNumber: string): Promise<number> {
    const id = ok(await post(t.cara, '/api/repairs', { unitNumber, description: 'chip' }), 201).id as number;
    await eventually(
      async () => (ok(await get(t.root, `/api/repairs/${id}`)).technicianId ?? undefined) as number | undefined,
      'assignment',
    );
    ok(await post(t.root, `/api/repairs/${id}/submit`, { estimatedCost: 60 }));
    return id;
  }
  const approvalNotice = (repairId: number) =>
    eventually(
      async () =>
        h.db.models.Notification.query()
          .findOne({ repairId, category: 'approval' })
          .then((n) => n ?? undefined),
      `approval notification of ${repairId}`,
    );

  it('adds inactive versions; activating one is used by the next notification, earlier ones keep their content', async () => {
    const before = await submittedRepair('T-1');
    const created = ok(await post(t.root, '/api/admin/templates/approval_requested/versions', TEXTS), 201);
    assert.deepEqual(
      [created.version, created.isActive, created.requiredContext],
      [3, false, ['repair.id', 'repair.unitNumber', 'actionUrl', 'approvalUrl']],
    );
    assert.deepEqual(await activeRows('approval_requested'), [2]);

    const activated = ok(await post(t.root, '/api/admin/templates/approval_requested/versions/3/activate'));
    assert.deepEqual(activated, { name: 'approval_requested', activeVersion: 3, previousVersion: 2 });
    assert.deepEqual(await activeRows('approval_requested'), [3]);

    const after = await submittedRepair('T-2');
    const fresh = await approvalNotice(after);
    assert.equal(fresh.title, `Please approve #${after} (T-2)`);
    assert.equal(fresh.message, 'Unit T-2: estimate $60.00.');
    assert.equal((fresh.content as any).emailSubject, `Approve repair #${after}`);
    assert.match((fresh.content as any).emailHtml, /Hello cara, unit <b>T-2<\/b> needs you/);
    const old = await approvalNotice(before);
    assert.equal(old.title, 'Approval needed for unit T-1', 'created before the activation: version 2 wording');

    const listed = ok(await get(t.root, '/api/admin/templates')).items.find((i: any) => i.name === 'approval_requested');
    assert.deepEqual([listed.activeVersion, listed.versions.map((v: any) => v.isActive)], [3, [false, false, true]]);
    assert.deepEqual(ok(await post(t.root, '/api/admin/templates/approval_requested/versions/3/activate')).previousVersion, 3);
  });

  it('leaves exactly one active version when activations race', async () => {
    const texts = { ...TEXTS, message: 'Denied: {{reason}}', emailText: '{{reason}}' };
    for (let i = 0; i < 4; i++) ok(await post(t.root, '/api/admin/templates/repair_denied/versions', texts), 201);
    for (const pair of [
      [2, 3],
      [4, 5],
      [3, 2],
      [5, 1],
    ]) {
      const results = await Promise.all(pair.map((v) => post(t.root, `/api/admin/templates/repair_denied/versions/${v}/activate`)));
      assert.deepEqual(
        results.map((r) => r.status),
        [200, 200],
      );
      const active = await activeRows('repair_denied');
      assert.equal(active.length, 1, `one active after activating ${pair.join(' and ')}`);
      assert.ok(pair.includes(active[0]));
    }
    const numbers = await Promise.all([1, 2, 3].map(() => post(t.root, '/api/admin/templates/repair_denied/versions', texts)));
    assert.deepEqual(numbers.map((r) => r.body.version).sort(), [6, 7, 8]);
  });

  it('holds a template without a registry entry to its requiredContext', async () => {
    await h.db.knex('notification_templates').insert({
      name: 'zz_custom_notice',
      version: 1,
      title: 'Reset',
      message: 'Reset: {{resetUrl}}',
      email_subject: 'Reset your password',
      email_html: '<p><a href="{{resetUrl}}">Reset</a></p>',
      email_text: '{{resetUrl}}',
      sms: 'Reset: {{resetUrl}}',
      required_context: JSON.stringify(['resetUrl']),
      is_active: true,
    });
    const item = ok(await get(t.root, '/api/admin/templates')).items.find((i: any) => i.name === 'zz_custom_notice');
    assert.deepEqual(
      [item.registered, item.variables.includes('resetUrl'), item.variables.includes('recipient.username')],
      [false, true, false],
    );
    const refused = await post(t.root, '/api/admin/templates/zz_custom_notice/versions', {
      ...TEXTS,
      title: 'Reset, {{ recipient.username }}',
    });
    assert.match(refused.body.error.fields.title, /\{\{ recipient\.username \}\}, which the zz_custom_notice context/);
    const texts = {
      title: 'Reset',
      message: '{{ resetUrl }}',
      emailSubject: 'Reset',
      emailHtml: '<p>{{resetUrl}}</p>',
      emailText: 'x',
      sms: 'x',
    };
    ok(await post(t.root, '/api/admin/templates/zz_custom_notice/versions', texts), 201);
    assert.match(ok(await post(t.root, '/api/admin/templates/zz_custom_notice/preview', { version: 2 })).html, /<p>\[resetUrl\]<\/p>/);
  });

  it('samples each event with the very payload shape the moves record', async () => {
    const events = await h.db.models.NotificationEvent.query().orderBy('id');
    const types = new Set(events.map((e) => e.type));
    for (const type of ['technician_assigned', 'approval_requested']) assert.ok(types.has(type), type);
    for (const e of events) {
      // As activities/notifications.ts builds it: the approval-needed events add the recipient's link.
      const approvalUrl = carriesApprovalLink(e.type) ? 'a' : undefined;
      const real = repairEventContext(e.payload, { repairId: e.repairId, recipient: { username: 'x' }, actionUrl: 'u', approvalUrl });
      assert.deepEqual(leafPaths(real).sort(), leafPaths(templateContext(e.type, [], singlePortal('u')).sample).sort(), e.type);
    }
  });
});
