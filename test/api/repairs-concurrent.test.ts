import assert from 'node:assert/strict';
import { chooseTechnician } from '../../src/domain/assignment';
import { eventually } from '../support/eventually';
import { insertCustomer, insertUser, PASSWORD } from '../support/fixtures';
import { startHarness, type Harness } from '../support/harness';

// A harness of its own: the lifecycle tests' repairs would change every technician's load.
describe('api: concurrent repair requests', () => {
  let h: Harness;
  let token: string;
  const techIds: number[] = [];
  before(async () => {
    h = await startHarness();
    const customerId = await insertCustomer(h.db, 'Busy Fleet');
    await insertUser(h.db, 'busy', 'customer', { customerId });
    for (const name of ['tech-p', 'tech-q', 'tech-r']) techIds.push((await insertUser(h.db, name, 'technician')).technicianId as number);
    token = await h.login('busy', PASSWORD);
  });
  after(() => h?.close());

  it('spreads 20 simultaneous requests exactly as sequential greedy assignment would', async () => {
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        h.request('POST', '/api/repairs', { token, body: { unitNumber: `C-${i}`, description: 'rush' } }),
      ),
    );
    assert.deepEqual(
      responses.map((r) => r.status),
      Array(20).fill(201),
    );
    const counts = await eventually(async () => {
      const rows = await h.db
        .knex('repairs')
        .whereNotNull('technician_id')
        .select('technician_id')
        .count('* as n')
        .groupBy('technician_id');
      const total = rows.reduce((s, r) => s + Number(r.n), 0);
      return total === 20 ? new Map(rows.map((r) => [Number(r.technicianId), Number(r.n)])) : undefined;
    }, 'all 20 assigned');

    const load = techIds.map((id) => ({ technicianId: id, activeRepairs: 0, isActive: true }));
    for (let i = 0; i < 20; i++) load.find((l) => l.technicianId === chooseTechnician(load))!.activeRepairs++;
    assert.deepEqual(
      techIds.map((id) => counts.get(id) ?? 0),
      load.map((l) => l.activeRepairs),
    );
    assert.deepEqual(
      load.map((l) => l.activeRepairs),
      [7, 7, 6],
    );
  });
});
