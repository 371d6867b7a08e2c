import assert from 'node:assert/strict';
import { CATEGORIES, CHANNELS, DEFAULT_PREFERENCES, PREFERENCE_CATEGORIES, PRIORITIES } from '../../../src/domain/notifications/types';

describe('domain/notifications/types', () => {
  it('lists the priorities, most pressing first', () => {
    assert.deepEqual(PRIORITIES, ['URGENT', 'HIGH', 'MEDIUM', 'LOW']);
  });

  it("lists the spec's categories, and account for the messages no preference stops", () => {
    assert.deepEqual(CATEGORIES, ['repair_status', 'assignment', 'approval', 'reward', 'system', 'account']);
    assert.deepEqual(PREFERENCE_CATEGORIES, ['repair_status', 'assignment', 'approval', 'reward', 'system']);
  });

  it('lists the channels', () => {
    assert.deepEqual(CHANNELS, ['in_app', 'email', 'sms']);
  });

  it('defaults to email and SMS on, every category on, quiet hours off (22:00-07:00 UTC), no digest', () => {
    assert.deepEqual(DEFAULT_PREFERENCES, {
      emailEnabled: true,
      smsEnabled: true,
      categories: { repair_status: true, assignment: true, approval: true, reward: true, system: true },
      quietHours: { enabled: false, start: '22:00', end: '07:00', timezone: 'UTC' },
      digestEnabled: false,
    });
  });

  it('has a default toggle for exactly the categories a user may turn off', () => {
    assert.deepEqual(Object.keys(DEFAULT_PREFERENCES.categories).sort(), [...PREFERENCE_CATEGORIES].sort());
  });

  it('cannot be changed by a careless caller', () => {
    assert.throws(() => {
      (DEFAULT_PREFERENCES as any).emailEnabled = false;
    }, TypeError);
    assert.throws(() => {
      (DEFAULT_PREFERENCES.categories as any).approval = false;
    }, TypeError);
    assert.throws(() => {
      (DEFAULT_PREFERENCES.quietHours as any).enabled = true;
    }, TypeError);
    assert.equal(DEFAULT_PREFERENCES.emailEnabled, true);
  });

  it('copies into an ordinary, editable object', () => {
    const mine = structuredClone(DEFAULT_PREFERENCES);
    mine.categories.reward = false;
    assert.equal(mine.categories.reward, false);
    assert.equal(DEFAULT_PREFERENCES.categories.reward, true);
  });
});
