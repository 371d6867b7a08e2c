import assert from 'node:assert/strict';
import { channelsFor } from '../../../src/domain/notifications/channels';
import { CHANNELS, PRIORITIES, type Channel, type Priority } from '../../../src/domain/notifications/types';

/** The spec: URGENT = SMS + email + in-app; HIGH = SMS + in-app; MEDIUM = email + in-app; LOW = in-app. */
const SPEC: Record<Priority, Channel[]> = {
  URGENT: ['sms', 'email', 'in_app'],
  HIGH: ['sms', 'in_app'],
  MEDIUM: ['email', 'in_app'],
  LOW: ['in_app'],
};

describe('domain/notifications/channels', () => {
  for (const priority of PRIORITIES) {
    it(`${priority} goes out on ${SPEC[priority].join(' + ')}`, () => {
      assert.deepEqual(channelsFor(priority), SPEC[priority]);
    });
  }

  it('always includes the in-app record, last', () => {
    for (const priority of PRIORITIES) assert.equal(channelsFor(priority).at(-1), 'in_app');
  });

  it('orders channels sms, email, in_app', () => {
    const rank = (c: Channel) => ['sms', 'email', 'in_app'].indexOf(c);
    for (const priority of PRIORITIES) {
      const channels = channelsFor(priority);
      assert.deepEqual(
        channels,
        [...channels].sort((a, b) => rank(a) - rank(b)),
      );
    }
  });

  it('only names known channels, each once', () => {
    for (const priority of PRIORITIES) {
      const channels = channelsFor(priority);
      assert.equal(new Set(channels).size, channels.length);
      for (const c of channels) assert.ok(CHANNELS.includes(c));
    }
  });

  it('hands out a copy, so a caller cannot change the table', () => {
    const urgent = channelsFor('URGENT');
    urgent.splice(0, urgent.length);
    assert.deepEqual(channelsFor('URGENT'), ['sms', 'email', 'in_app']);
  });
});
