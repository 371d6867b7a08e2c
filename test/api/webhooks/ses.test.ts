import assert from 'node:assert/strict';
import { insertUser, PASSWORD } from '../../support/fixtures';
import { startHarness, type Harness } from '../../support/harness';
import { sesEvent, startFakeSns } from './sns-fixtures';

/**
 * SES feedback over SNS, against a fake SNS on loopback whose certificate the app is told to trust
 * (SNS_CERT_CA_FILE) and whose host it is told to accept (SNS_CERT_HOST_PATTERN).
 */
describe('api: SES feedback webhook', () => {
  let h: Harness;
  let sns: Awaited<ReturnType<typeof startFakeSns>>;
  let root: string;
  const ids: Record<string, number> = {};

  const post = (message: unknown, contentType = 'text/plain; charset=UTF-8') =>
    h.request('POST', '/api/webhooks/ses', { rawBody: JSON.stringify(message), headers: { 'content-type': contentType } });

  /** Announces to the technicians and waits for it: the email delivery logs by user. */
  async function announce(title: string) {
    const res = await h.request('POST', '/api/admin/announcements', {
      token: root,
      body: { title, message: `${title}.`, priority: 'MEDIUM', audience: 'technicians' },
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    await h.deps.temporal.client.workflow.getHandle(res.body.workflowId).result();
    const logs = await h.db
      .knex('delivery_logs as l')
      .join('notifications as n', 'n.id', 'l.notification_id')
      .where({ 'n.announcement_id': res.body.announcementId, 'l.channel': 'email' })
      .select('n.user_id as userId', 'l.status', 'l.error_code as errorCode', 'l.provider_message_id as messageId', 'l.id');
    return new Map(
      logs.map((l: any) => [l.userId as number, l as { status: string; errorCode: string | null; messageId: string; id: number }]),
    );
  }
  const feedbackOf = async (logId: number) => (await h.db.knex('delivery_logs').where('id', logId).first()).feedback;
  const verified = async (userId: number) => (await h.db.knex('users').where('id', userId).first()).emailVerified;

  before(async () => {
    sns = await startFakeSns();
    h = await startHarness({ SNS_CERT_HOST_PATTERN: '^(127\\.0\\.0\\.1|localhost)$', SNS_CERT_CA_FILE: sns.certFile });
    for (const name of ['tess', 'tina', 'tara']) ids[name] = (await insertUser(h.db, name, 'technician')).userId;
    await insertUser(h.db, 'root', 'admin');
    root = await h.login('root', PASSWORD);
  });
  after(async () => {
    await h?.close();
    await sns?.close();
  });

  it('a permanent bounce marks the log bounced and the address unverified: the next email there is suppressed', async () => {
    const first = await announce('Shop closed Friday');
    const tess = first.get(ids.tess!)!;
    assert.equal(tess.status, 'sent');
    const res = await post(sns.notification(sesEvent.bounce(tess.messageId, 'TESS@example.com')));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(await feedbackOf(tess.id), 'bounced');
    assert.equal(await verified(ids.tess!), false);
    assert.equal(await verified(ids.tina!), true);
    // SNS retries: the same event again changes nothing and is still a 200; a later Delivery does not undo it.
    assert.equal((await post(sns.notification(sesEvent.bounce(tess.messageId, 'tess@example.com')))).status, 200);
    assert.equal((await post(sns.notification(sesEvent.delivery(tess.messageId, 'tess@example.com')))).status, 200);
    assert.equal(await feedbackOf(tess.id), 'bounced');

    const next = await announce('Shop open Saturday');
    assert.deepEqual([next.get(ids.tess!)?.status, next.get(ids.tess!)?.errorCode], ['suppressed', 'address_unverified']);
    assert.equal(next.get(ids.tina!)?.status, 'sent');
  });

  it('a transient bounce changes nothing; a delivery marks the log delivered; a complaint marks it complained and unverified', async () => {
    const logs = await announce('Inventory day');
    const tina = logs.get(ids.tina!)!;
    const tara = logs.get(ids.tara!)!;
    assert.equal((await post(sns.notification(sesEvent.bounce(tina.messageId, 'tina@example.com', 'Transient')))).status, 200);
    assert.equal(await feedbackOf(tina.id), null);
    assert.equal(await verified(ids.tina!), true);
    assert.equal((await post(sns.notification(sesEvent.delivery(tina.messageId, 'tina@example.com')))).status, 200);
    assert.equal(await feedbackOf(tina.id), 'delivered');
    assert.equal(await verified(ids.tina!), true);
    // Signature version 1 (SHA1withRSA) is still what SNS uses unless the topic asks for 2.
    const complaint = sns.sign(
      {
        Type: 'Notification',
        MessageId: 'c-1',
        TopicArn: sns.topicArn,
        Subject: 'Amazon SES Email Event Notification',
        Message: JSON.stringify(sesEvent.complaint(tara.messageId, 'tara@example.com')),
        Timestamp: new Date().toISOString(),
      },
      '1',
    );
    assert.equal((await post(complaint)).status, 200);
    assert.equal(await feedbackOf(tara.id), 'complained');
    assert.equal(await verified(ids.tara!), false);
  });

  it('refuses with 403 and changes nothing: a forged signature, a certificate off an SNS host, plain http, altered fields', async () => {
    const logs = await announce('Forgery check');
    const tina = logs.get(ids.tina!)!;
    const before = await h.db.knex('delivery_logs').where('id', tina.id).first();
    const good = sns.notification(sesEvent.complaint(tina.messageId, 'tina@example.com'));
    const forged = [
      { ...good, Signature: Buffer.from('x'.repeat(256)).toString('base64') },
      { ...good, Message: JSON.stringify(sesEvent.bounce(tina.messageId, 'tina@example.com')) },
      sns.sign({ ...good, Signature: '', SigningCertURL: '' }, '2', sns.base.replace('127.0.0.1', 'evil.example') + '/cert.pem'),
      sns.sign({ ...good, Signature: '', SigningCertURL: '' }, '2', sns.base.replace('https:', 'http:') + '/cert.pem'),
      { ...good, SignatureVersion: '3' },
      { ...good, Type: 'Surprise' },
      'not json at all',
    ];
    // Each refusal is one warning with its reason, and nothing of the message itself.
    const warnings: unknown[][] = [];
    const logger = h.deps.logger as any;
    const child = logger.child;
    logger.child = (...args: unknown[]) => {
      const c = child.apply(logger, args);
      const warn = c.warn.bind(c);
      c.warn = (...w: unknown[]) => {
        warnings.push(w);
        return warn(...w);
      };
      return c;
    };
    try {
      for (const message of forged) {
        const res =
          typeof message === 'string'
            ? await h.request('POST', '/api/webhooks/ses', { rawBody: message, headers: { 'content-type': 'text/plain' } })
            : await post(message);
        assert.equal(res.status, 403, JSON.stringify(message).slice(0, 200));
        assert.equal(res.body.error.code, 'FORBIDDEN');
      }
    } finally {
      logger.child = child;
    }
    assert.equal(warnings.length, forged.length);
    for (const [fields, text] of warnings) {
      assert.deepEqual(Object.keys(fields as object), ['reason']);
      assert.equal(text, 'SES webhook refused a message');
      assert.doesNotMatch(JSON.stringify(fields), /tina@example|Signature=|BEGIN/);
    }
    assert.deepEqual(await h.db.knex('delivery_logs').where('id', tina.id).first(), before);
    assert.equal(await verified(ids.tina!), true);
    // Other media types are not SNS's: 415, as everywhere.
    assert.equal((await post(good, 'application/x-www-form-urlencoded')).status, 415);
  });

  it('confirms a signed subscription by calling its SubscribeURL, and only then', async () => {
    const confirmation = (token: string, subscribeUrl: string) =>
      sns.sign({
        Type: 'SubscriptionConfirmation',
        MessageId: `sub-${token}`,
        Token: token,
        TopicArn: sns.topicArn,
        Message: `You have chosen to subscribe to the topic ${sns.topicArn}.`,
        SubscribeURL: subscribeUrl,
        Timestamp: new Date().toISOString(),
      });
    const res = await post(confirmation('tok-1', `${sns.base}/confirm?Action=ConfirmSubscription&Token=tok-1`));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(sns.confirmations, ['tok-1']);
    // Signed, but the SubscribeURL points elsewhere: never fetched.
    const elsewhere = await post(confirmation('tok-2', 'https://evil.example/confirm?Token=tok-2'));
    assert.equal(elsewhere.status, 403);
    const unsigned = { ...confirmation('tok-3', `${sns.base}/confirm?Token=tok-3`), Token: 'tok-4' };
    assert.equal((await post(unsigned)).status, 403);
    assert.deepEqual(sns.confirmations, ['tok-1']);
    // The certificate was fetched once for all of these: it is cached by URL.
    assert.equal(sns.certFetches.length, 1);
  });
});
