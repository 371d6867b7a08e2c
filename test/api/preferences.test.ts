import assert from 'node:assert/strict';
import { insertCustomer, insertUser, PASSWORD } from '../support/fixtures';
import { startHarness, type Harness } from '../support/harness';
import { ok, requests } from './requests';

// Preferences do not depend on any notification, so these tests need none of the notifications suite's
// repair; they keep its title, where they were first, so that their names stay the same.
describe('api: notifications and preferences', () => {
  let h: Harness;
  const t: Record<string, string> = {};

  before(async () => {
    h = await startHarness();
    const fleet = await insertCustomer(h.db, 'Fleet N');
    const other = await insertCustomer(h.db, 'Fleet O');
    await insertUser(h.db, 'nora', 'customer', { customerId: fleet });
    await insertUser(h.db, 'olga', 'customer', { customerId: other });
    await insertUser(h.db, 'root', 'admin');
    for (const name of ['nora', 'olga', 'root']) t[name] = await h.login(name, PASSWORD);
  });
  after(() => h?.close());

  const { get, put } = requests(() => h);

  describe('preferences', () => {
    const DEFAULTS = {
      emailEnabled: true,
      smsEnabled: true,
      categories: { repair_status: true, assignment: true, approval: true, reward: true, system: true },
      quietHours: { enabled: false, start: '22:00', end: '07:00', timezone: 'UTC' },
      digestEnabled: false,
    };
    const MINE = {
      emailEnabled: false,
      smsEnabled: true,
      categories: { repair_status: false, assignment: true, approval: true, reward: false, system: true },
      quietHours: { enabled: true, start: '21:30', end: '06:45', timezone: 'America/New_York' },
      digestEnabled: true,
    };
    const PATH = '/api/notification-preferences';

    it('returns the defaults to a user who never saved any', async () => {
      assert.deepEqual(ok(await get(t.olga, PATH)), DEFAULTS);
      assert.deepEqual(ok(await get(t.root, PATH)), DEFAULTS);
    });

    it('saves the whole object and returns it, for that user only', async () => {
      assert.deepEqual(ok(await put(t.olga, PATH, MINE)), MINE);
      assert.deepEqual(ok(await get(t.olga, PATH)), MINE);
      assert.deepEqual(ok(await get(t.nora, PATH)), DEFAULTS);
      const back = { ...MINE, quietHours: { ...MINE.quietHours, enabled: false, timezone: 'Europe/Paris' } };
      assert.deepEqual(ok(await put(t.olga, PATH, back)), back);
      assert.deepEqual(ok(await get(t.olga, PATH)), back);
      assert.deepEqual(ok(await put(t.olga, PATH, MINE)), MINE);
    });

    it('refuses bad preferences with every bad field named, saving nothing', async () => {
      const bad = async (body: unknown, fields: Record<string, string>) => {
        const res = await put(t.olga, PATH, body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.equal(res.body.error.code, 'VALIDATION_FAILED');
        assert.deepEqual(res.body.error.fields, fields);
      };
      await bad(
        { ...MINE, quietHours: { ...MINE.quietHours, start: '25:00', timezone: 'Mars/Base' } },
        {
          'quietHours.start': 'must be a time HH:MM (00:00-23:59)',
          'quietHours.timezone': 'must be an IANA time zone such as America/New_York',
        },
      );
      await bad({ ...MINE, quietHours: { ...MINE.quietHours, end: '7:00' } }, { 'quietHours.end': 'must be a time HH:MM (00:00-23:59)' });
      await bad({ ...MINE, digestEnabled: undefined }, { digestEnabled: 'is required' });
      await bad({ ...MINE, categories: { ...MINE.categories, reward: undefined } }, { 'categories.reward': 'is required' });
      await bad({ ...MINE, categories: { ...MINE.categories, approval: 'yes' } }, { 'categories.approval': 'must be a boolean' });
      await bad(
        { ...MINE, categories: { ...MINE.categories, marketing: true } },
        {
          'categories.marketing': 'is not a category (use repair_status, assignment, approval, reward, system)',
        },
      );
      await bad({ ...MINE, emailEnabled: 'false' }, { emailEnabled: 'must be a boolean' });
      await bad({ ...MINE, quietHours: null }, { quietHours: 'must be an object' });
      await bad(
        {},
        {
          emailEnabled: 'is required',
          smsEnabled: 'is required',
          categories: 'is required',
          quietHours: 'is required',
          digestEnabled: 'is required',
        },
      );
      assert.deepEqual(ok(await get(t.olga, PATH)), MINE, 'nothing was saved');
    });

    it('is for signed-in users only', async () => {
      assert.equal((await get(undefined, PATH)).status, 401);
      assert.equal((await put(undefined, PATH, DEFAULTS)).status, 401);
    });
  });
});
