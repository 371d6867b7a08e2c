import assert from 'node:assert/strict';
import { digestDay, digestLines, digestListHtml, digestListText, type DigestItem } from '../../../src/domain/notifications/digest';
import { renderTemplate } from '../../../src/domain/notifications/templates';

const item = (title: string, minutesAgo: number, extra: Partial<DigestItem> = {}): DigestItem => ({
  title,
  message: `${title} message`,
  priority: 'MEDIUM',
  actionUrl: null,
  createdAt: new Date(Date.UTC(2026, 10, 30, 9, 0) - minutesAgo * 60_000),
  ...extra,
});

describe('domain: daily digest', () => {
  describe('digestDay (the once-per-day key)', () => {
    it('is the calendar day in the schedule zone, not in UTC', () => {
      const at = new Date('2026-11-30T03:30:00Z');
      assert.equal(digestDay(at, 'UTC'), '2026-11-30');
      assert.equal(digestDay(at, 'America/Chicago'), '2026-11-29'); // 21:30 the evening before
      assert.equal(digestDay(at, 'Asia/Tokyo'), '2026-11-30');
      assert.equal(digestDay(new Date('2026-11-30T15:30:00Z'), 'Asia/Tokyo'), '2026-12-01');
    });

    it('is the same for every run of one local day, and changes at local midnight', () => {
      const zone = 'America/New_York';
      assert.equal(digestDay(new Date('2026-07-01T04:00:00Z'), zone), '2026-07-01'); // 00:00 EDT
      assert.equal(digestDay(new Date('2026-07-01T03:59:59Z'), zone), '2026-06-30');
      assert.equal(digestDay(new Date('2026-07-02T03:59:59Z'), zone), '2026-07-01');
    });
  });

  describe('digestLines', () => {
    it('lists the newest first and counts what does not fit', () => {
      const { shown, more } = digestLines([item('old', 600), item('new', 5), item('mid', 60)], 2);
      assert.deepEqual(
        shown.map((i) => i.title),
        ['new', 'mid'],
      );
      assert.equal(more, 1);
      assert.equal(digestLines([item('a', 1)], 50).more, 0);
    });
  });

  describe('the list', () => {
    it('escapes every title and message, and links only web URLs', () => {
      const html = digestListHtml(
        [
          item('<script>x</script>', 1, { actionUrl: 'https://portal.example/repairs/1' }),
          item('B & "C"', 2, { actionUrl: 'javascript:alert(1)' }),
        ],
        0,
        'https://portal.example',
      );
      assert.ok(!html.includes('<script>'));
      assert.ok(html.includes('&lt;script&gt;x&lt;/script&gt;'));
      assert.ok(html.includes('<a href="https://portal.example/repairs/1">'));
      assert.ok(!html.includes('javascript:'));
      assert.ok(html.includes('B &amp; &quot;C&quot;'));
    });

    it('mentions the rest with a link to the notifications page', () => {
      assert.match(digestListHtml([item('a', 1)], 3, 'https://p.example'), /and 3 more in <a href="https:\/\/p\.example\/notifications">/);
      assert.equal(
        digestListText([item('a', 1, { actionUrl: 'https://p.example/r/1' })], 2, 'https://p.example'),
        '- a: a message (https://p.example/r/1)\n…and 2 more: https://p.example/notifications',
      );
    });

    it('is appended after the template body, inside the brand layout, and to the text', () => {
      const t = {
        name: 'daily_digest',
        version: 1,
        title: 'Summary {{date}}',
        message: '{{count}} unread',
        emailSubject: '{{count}} unread',
        emailHtml: '<p>Hi {{recipient.username}}</p>',
        emailText: 'Hi {{recipient.username}}',
        sms: 'x',
        requiredContext: ['count'],
      };
      const brand = { companyName: 'RS', logoUrl: null, primaryColor: '#000000', accentColor: '#ffffff', footerText: 'Footer' };
      const r = renderTemplate(t, { recipient: { username: '<b>ann</b>' }, count: 2, date: '2026-11-30' }, brand, {
        html: '<ul><li>one</li></ul>',
        text: '- one',
      });
      assert.ok(r.emailHtml.includes('<p>Hi &lt;b&gt;ann&lt;/b&gt;</p><ul><li>one</li></ul>'));
      assert.ok(r.emailHtml.indexOf('<ul><li>one</li></ul>') < r.emailHtml.indexOf('Footer'));
      assert.equal(r.emailText, 'Hi <b>ann</b>\n\n- one');
      assert.equal(r.emailSubject, '2 unread');
    });
  });
});
