import assert from 'node:assert/strict';
import { createDigestActivities } from '../../src/activities/digests';
import type { ActivityDeps } from '../../src/activities/deps';
import type { Db } from '../../src/db';
import { createLoggingMetrics } from '../../src/transports/metrics';
import type { EmailMessage, Transport } from '../../src/transports/types';
import { insertUser } from '../support/fixtures';
import { freshDatabase } from '../support/harness';
import { asAttempt } from './support';

const PORTALS = { customer: 'https://a.example/app', technician: 'https://t.example/tech', admin: 'https://o.example/admin' };

// Each digest's "…and N more" opens the reader's own notification list.
describe('activities/digests: links into the reader’s portal', () => {
  let db: Db;
  const sent: EmailMessage[] = [];
  const transport: Transport = {
    name: 'local',
    sendEmail: (m) => {
      sent.push(m);
      return Promise.resolve({ providerMessageId: `local-${sent.length}`, costEstimateUsd: null });
    },
    sendSms: () => Promise.reject(new Error('a digest sends no SMS')),
  };

  before(async () => {
    ({ db } = await freshDatabase());
  });
  after(() => db?.destroy());

  for (const role of ['customer', 'technician', 'admin'] as const) {
    it(`a ${role}'s digest lists their notifications and links the rest into the ${role} portal`, async () => {
      const { userId } = await insertUser(db, `reader-${role}`, role);
      await db.knex('notifications').insert(
        [1, 2, 3].map((i) => ({
          user_id: userId,
          title: `Note ${i}`,
          message: 'details',
          category: 'repair_status',
          priority: 'MEDIUM',
          action_url: `${PORTALS[role]}/repairs/${i}`,
          content: JSON.stringify({ emailSubject: 's', emailHtml: '<p>d</p>', emailText: 'd', sms: 's' }),
        })),
      );
      const { sendDigest } = createDigestActivities({
        db,
        transport,
        metrics: createLoggingMetrics(() => undefined),
        portals: PORTALS,
        digest: { maxItems: 2 },
        emailPacing: { perSecond: 1000 },
      } as ActivityDeps);
      const before = sent.length;
      const day = '2026-11-20';
      const outcome = await asAttempt(1, sendDigest, { userId, day, windowEnd: new Date(Date.now() + 60_000).toISOString() });
      assert.deepEqual(outcome, { status: 'sent', count: 3 });
      const mail = sent.slice(before);
      assert.equal(mail.length, 1);
      assert.ok(mail[0]!.text.includes(`…and 1 more: ${PORTALS[role]}/notifications`), mail[0]!.text);
      assert.ok(mail[0]!.html.includes(`href="${PORTALS[role]}/notifications"`), mail[0]!.html);
      for (const link of `${mail[0]!.text} ${mail[0]!.html}`.match(/https?:\/\/[^\s"<>()]+/g) ?? []) {
        assert.ok(link.startsWith(`${PORTALS[role]}/`), `${link} is not under the ${role} portal`);
      }
    });
  }
});
