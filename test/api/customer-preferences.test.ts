import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../support/harness';
import { insertCustomer, insertUser, PASSWORD } from '../support/fixtures';

const TIME_MSG = 'must be a time HH:MM (00:00-23:59)';

describe('api: customer repair (lot-walking) preferences', () => {
  let h: Harness;
  let admin: string;
  let custA: string;
  let custB: string;
  let tech: string;
  let a: number;
  let b: number;
  const path = (id: number | string): string => `/api/customers/${id}/repair-preferences`;
  const stored = (customerId: number) => h.db.models.CustomerRepairPreference.query().findById(customerId);

  before(async () => {
    h = await startHarness();
    a = await insertCustomer(h.db, 'Fleet A');
    b = await insertCustomer(h.db, 'Fleet B');
    await insertUser(h.db, 'root', 'admin');
    await insertUser(h.db, 'cust-a', 'customer', { customerId: a });
    await insertUser(h.db, 'cust-b', 'customer', { customerId: b });
    await insertUser(h.db, 'tech', 'technician');
    admin = await h.login('root', PASSWORD);
    custA = await h.login('cust-a', PASSWORD);
    custB = await h.login('cust-b', PASSWORD);
    tech = await h.login('tech', PASSWORD);
  });
  after(() => h?.close());

  it('answers the defaults, with updatedAt null, to a customer that never saved', async () => {
    const res = await h.request('GET', path(a), { token: custA });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { customerId: a, lotWalkingEnabled: false, frequency: 'MONTHLY', days: [], time: '09:00', updatedAt: null });
    assert.equal(await stored(a), undefined, 'reading the defaults does not create a row');
  });

  it('saves and reads back as the customer user (days in week order)', async () => {
    const put = await h.request('PUT', path(a), {
      token: custA,
      body: { lotWalkingEnabled: true, frequency: 'BIWEEKLY', days: ['FRIDAY', 'MONDAY'], time: '07:30' },
    });
    assert.equal(put.status, 200);
    const { updatedAt, ...rest } = put.body;
    assert.deepEqual(rest, { customerId: a, lotWalkingEnabled: true, frequency: 'BIWEEKLY', days: ['MONDAY', 'FRIDAY'], time: '07:30' });
    assert.ok(Math.abs(Date.parse(updatedAt) - Date.now()) < 60_000, `updatedAt ${updatedAt} is now`);

    const get = await h.request('GET', path(a), { token: custA });
    assert.equal(get.status, 200);
    assert.deepEqual(get.body, put.body);

    const row = await stored(a);
    assert.deepEqual(
      { enabled: row?.lotWalkingEnabled, frequency: row?.frequency, days: row?.days, time: row?.time },
      { enabled: true, frequency: 'BIWEEKLY', days: ['MONDAY', 'FRIDAY'], time: '07:30' },
    );
  });

  it("lets an admin replace a customer's preferences, which the customer then sees", async () => {
    const before = (await h.request('GET', path(a), { token: custA })).body;
    const put = await h.request('PUT', path(a), {
      token: admin,
      body: { lotWalkingEnabled: false, frequency: 'QUARTERLY', days: [], time: '23:59' },
    });
    assert.equal(put.status, 200);
    assert.deepEqual(
      { ...put.body, updatedAt: undefined },
      { customerId: a, lotWalkingEnabled: false, frequency: 'QUARTERLY', days: [], time: '23:59', updatedAt: undefined },
    );
    assert.ok(Date.parse(put.body.updatedAt) >= Date.parse(before.updatedAt), 'updatedAt moves forward');

    const adminGet = await h.request('GET', path(a), { token: admin });
    assert.deepEqual(adminGet.body, put.body);
    const customerGet = await h.request('GET', path(a), { token: custA });
    assert.deepEqual(customerGet.body, put.body);
    assert.equal(await h.db.models.CustomerRepairPreference.query().resultSize(), 1, 'one row per customer, replaced in place');
  });

  describe('validation (400, nothing saved)', () => {
    const valid = { lotWalkingEnabled: true, frequency: 'WEEKLY', days: ['MONDAY'], time: '09:00' };
    const cases: [string, unknown, Record<string, string>][] = [
      [
        'a repeated day and an impossible time',
        { ...valid, days: ['MONDAY', 'MONDAY'], time: '24:00' },
        { 'days.1': 'repeats MONDAY', time: TIME_MSG },
      ],
      ['enabled with no day', { ...valid, days: [] }, { days: 'must have at least one day when lot walking is enabled' }],
      [
        'an unknown frequency and weekday',
        { ...valid, frequency: 'DAILY', days: ['MONDAY', 'Funday'] },
        {
          frequency: 'must be one of WEEKLY, BIWEEKLY, MONTHLY, QUARTERLY',
          'days.1': 'must be one of MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY',
        },
      ],
      ['a time without a leading zero', { ...valid, time: '9:00' }, { time: TIME_MSG }],
      [
        'a missing field and a wrong type',
        { lotWalkingEnabled: 'yes', frequency: 'WEEKLY', days: ['MONDAY'] },
        { lotWalkingEnabled: 'must be a boolean', time: 'is required' },
      ],
      ['a body that is not an object', [valid], { body: 'must be an object' }],
    ];

    for (const [what, body, fields] of cases) {
      it(`refuses ${what}`, async () => {
        const beforeA = await stored(a);
        for (const [token, id] of [
          [custA, a],
          [admin, b],
        ] as const) {
          const res = await h.request('PUT', path(id), { token, body });
          assert.equal(res.status, 400);
          assert.equal(res.body.error.code, 'VALIDATION_FAILED');
          assert.deepEqual(res.body.error.fields, fields);
        }
        assert.deepEqual(await stored(a), beforeA, 'the saved preferences are unchanged');
        assert.equal(await stored(b), undefined, 'nothing was created');
      });
    }

    it('refuses an id that is not a positive integer', async () => {
      const res = await h.request('GET', path('abc'), { token: admin });
      assert.equal(res.status, 400);
      assert.deepEqual(res.body.error.fields, { id: 'must be a number' });
    });
  });

  describe('access', () => {
    it('needs a token (401)', async () => {
      assert.equal((await h.request('GET', path(a))).status, 401);
      const put = await h.request('PUT', path(a), { body: { lotWalkingEnabled: false, frequency: 'WEEKLY', days: [], time: '09:00' } });
      assert.equal(put.status, 401);
      assert.equal(put.body.error.code, 'UNAUTHENTICATED');
    });

    it('refuses technicians (403)', async () => {
      const get = await h.request('GET', path(a), { token: tech });
      assert.equal(get.status, 403);
      assert.equal(get.body.error.code, 'FORBIDDEN');
      const put = await h.request('PUT', path(a), {
        token: tech,
        body: { lotWalkingEnabled: false, frequency: 'WEEKLY', days: [], time: '09:00' },
      });
      assert.equal(put.status, 403);
    });

    it("hides another customer's preferences from a customer user (404), whatever the body", async () => {
      const beforeA = await stored(a);
      const get = await h.request('GET', path(a), { token: custB });
      assert.equal(get.status, 404);
      assert.equal(get.body.error.code, 'NOT_FOUND');
      for (const body of [{ lotWalkingEnabled: true, frequency: 'WEEKLY', days: ['SUNDAY'], time: '10:00' }, { time: 'bad' }]) {
        const put = await h.request('PUT', path(a), { token: custB, body });
        assert.equal(put.status, 404);
      }
      assert.deepEqual(await stored(a), beforeA);
    });

    it('answers 404 for an unknown customer, to admins and customer users alike', async () => {
      const ghost = b + 1000;
      assert.equal((await h.request('GET', path(ghost), { token: admin })).status, 404);
      const put = await h.request('PUT', path(ghost), {
        token: admin,
        body: { lotWalkingEnabled: false, frequency: 'WEEKLY', days: [], time: '09:00' },
      });
      assert.equal(put.status, 404);
      // Unknown before invalid: a bad body for a customer that does not exist is still a 404.
      assert.equal((await h.request('PUT', path(ghost), { token: admin, body: {} })).status, 404);
      assert.equal((await h.request('GET', path(ghost), { token: custA })).status, 404);
      assert.equal(await stored(ghost), undefined);
    });
  });

  it('goes with its customer when the customer is deleted', async () => {
    const c = await insertCustomer(h.db, 'Short-lived');
    const put = await h.request('PUT', path(c), {
      token: admin,
      body: { lotWalkingEnabled: true, frequency: 'MONTHLY', days: ['TUESDAY'], time: '08:00' },
    });
    assert.equal(put.status, 200);
    await h.db.models.Customer.query().deleteById(c);
    assert.equal(await stored(c), undefined);
  });

  it('is documented in OpenAPI with its body and responses', async () => {
    const doc = await h.request('GET', '/api/openapi.json');
    const item = doc.body.paths['/customers/{id}/repair-preferences'] ?? doc.body.paths['/api/customers/{id}/repair-preferences'];
    assert.ok(item, `documented: ${Object.keys(doc.body.paths).join(', ')}`);
    assert.ok(item.get.responses['200']);
    assert.ok(item.put.requestBody, 'the PUT body is documented');
    for (const status of ['400', '401', '403', '404']) assert.ok(item.put.responses[status], `PUT documents ${status}`);
  });
});
