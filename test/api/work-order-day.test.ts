import assert from 'node:assert/strict';
import sharp from 'sharp';
import { eventually } from '../support/eventually';
import { insertCustomer, insertUser, PASSWORD } from '../support/fixtures';
import { startHarness, type Harness } from '../support/harness';
import { linkTokenIn } from './approvals-fixtures';

/**
 * The acceptance as one story: a technician finds damage in the field and photographs it,
 * the fleet manager approves from the link in the SMS without logging in (seeing the photos), the
 * work is started and completed with an AFTER photo and notes, and the CSV and the summary show it.
 */
describe('a work order from the field to the fleet report', () => {
  let h: Harness;
  const t: Record<string, string> = {};
  let fleet = 0;
  const phone = '+15550123400';
  before(async () => {
    h = await startHarness();
    fleet = await insertCustomer(h.db, 'Fleet One');
    const { userId } = await insertUser(h.db, 'fleet-mgr', 'customer', { customerId: fleet });
    await h.db.models.User.query().patch({ phone }).where('id', userId);
    await insertUser(h.db, 'field-tech', 'technician');
    await insertUser(h.db, 'boss', 'admin');
    for (const name of ['fleet-mgr', 'field-tech', 'boss']) t[name] = await h.login(name, PASSWORD);
  });
  after(() => h?.close());

  const photo = (seed: number) =>
    sharp({ create: { width: 800, height: 600, channels: 3, background: { r: seed, g: 90, b: 160 } } })
      .jpeg()
      .toBuffer();
  const upload = async (repairId: number, kind: string, image: Buffer) => {
    const form = new FormData();
    form.set('kind', kind);
    form.append('file', new Blob([image], { type: 'image/jpeg' }), `${kind.toLowerCase()}.jpg`);
    const res = await fetch(`${h.api.url}/api/repairs/${repairId}/photos`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t['field-tech']}` },
      body: form,
    });
    assert.equal(res.status, 201, await res.clone().text());
    return (await res.json()) as { id: number };
  };

  it('runs from the photos to the CSV and the summary', async () => {
    const created = await h.request('POST', '/api/repairs', {
      token: t['field-tech'],
      body: { customerId: fleet, unitNumber: 'TRK-12', description: 'Crack from the wiper line', estimatedCost: 120 },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id as number;
    await upload(id, 'DAMAGE', await photo(10));
    await upload(id, 'DAMAGE', await photo(200));

    // The approval SMS, read from the outbox, carries the link; it fits one SMS.
    const sms = await eventually(async () => {
      const box = await h.request('GET', `/api/admin/outbox?to=${encodeURIComponent(phone)}&channel=sms`, { token: t.boss });
      return (box.body.items as { body: string }[]).find((m) => linkTokenIn(m.body));
    }, 'the approval SMS with its link');
    assert.ok(sms.body.length <= 160, `${sms.body.length} characters: ${sms.body}`);
    const token = linkTokenIn(sms.body)!;

    // The link shows the decision with its photos, and their thumbnails load without a login.
    const view = await h.request('GET', `/api/approvals/${token}`);
    assert.equal(view.status, 200);
    assert.equal(view.body.repair.unitNumber, 'TRK-12');
    assert.equal(view.body.repair.estimatedCost, 120);
    assert.deepEqual(
      view.body.photos.map((p: { kind: string }) => p.kind),
      ['DAMAGE', 'DAMAGE'],
    );
    const thumb = await fetch(`${h.api.url}${view.body.photos[0].thumbUrl}`);
    assert.equal(thumb.status, 200);
    assert.equal(thumb.headers.get('content-type'), 'image/webp');
    assert.equal((await sharp(Buffer.from(await thumb.arrayBuffer())).metadata()).format, 'webp');

    const approved = await h.request('POST', `/api/approvals/${token}/approve`, { body: {} });
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    assert.equal(approved.body.repair.status, 'APPROVED');
    assert.equal((await fetch(`${h.api.url}${view.body.photos[0].thumbUrl}`)).status, 410, 'the used link opens nothing more');

    assert.equal((await h.request('POST', `/api/repairs/${id}/start`, { token: t['field-tech'], body: {} })).status, 200);
    await upload(id, 'AFTER', await photo(90));
    const done = await h.request('POST', `/api/repairs/${id}/complete`, {
      token: t['field-tech'],
      body: { notes: 'Resin cured and polished' },
    });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal(done.body.completionNotes, 'Resin cured and polished');

    const detail = await h.request('GET', `/api/repairs/${id}`, { token: t['fleet-mgr'] });
    assert.equal(detail.body.photoCount, 3);
    assert.deepEqual(detail.body.photos.map((p: { kind: string }) => p.kind).sort(), ['AFTER', 'DAMAGE', 'DAMAGE']);

    const csv = await fetch(`${h.api.url}/api/repairs.csv?customerId=${fleet}`, { headers: { authorization: `Bearer ${t['fleet-mgr']}` } });
    assert.equal(csv.status, 200);
    const [header, ...rows] = (await csv.text()).trim().split('\r\n');
    const columns = header!.split(',');
    assert.equal(rows.length, 1);
    const row = Object.fromEntries(rows[0]!.split(',').map((v, i) => [columns[i], v]));
    assert.deepEqual(
      { id: row.id, status: row.status, notes: row.completionNotes, completed: Boolean(row.completedAt) },
      { id: String(id), status: 'COMPLETED', notes: 'Resin cured and polished', completed: true },
    );

    const summary = await h.request('GET', `/api/customers/${fleet}/summary`, { token: t['fleet-mgr'] });
    assert.equal(summary.status, 200);
    assert.equal(summary.body.repairsByStatus.COMPLETED, 1);
    const unit = summary.body.units.find((u: { unitNumber: string }) => u.unitNumber === 'TRK-12');
    assert.equal(unit.completed, 1);
    assert.ok(unit.lastCompletedAt);
    assert.equal(typeof unit.nextPrice, 'number');
    assert.ok(summary.body.totalCost > 0);
  });
});
