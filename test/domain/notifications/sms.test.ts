import assert from 'node:assert/strict';
import { isE164, SMS_MAX_LENGTH, smsBody } from '../../../src/domain/notifications/sms';

const codePoints = (s: string) => Array.from(s).length;
const hasLoneSurrogate = (s: string) => /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

describe('domain/notifications/sms', () => {
  describe('isE164', () => {
    const valid = ['+15551234567', '+442071838750', '+919876543210', '+6421234567', '+2905123', '+123456789012345'];
    const invalid = [
      '',
      '+',
      '+1',
      '+12', // the API never took fewer than 7 digits; now the delivery does not either
      '+123456',
      '15551234567',
      '+05551234567',
      '+1234567890123456',
      '+1 555 123 4567',
      '+1-555-123-4567',
      '+1(555)1234567',
      ' +15551234567',
      '+15551234567 ',
      '+15551234567\n',
      '++15551234567',
      '+1555123456a',
      '+１５５５１２３４５６７',
    ];
    for (const s of valid) it(`accepts ${s}`, () => assert.equal(isE164(s), true));
    for (const s of invalid) it(`refuses ${JSON.stringify(s)}`, () => assert.equal(isE164(s), false));
  });

  describe('smsBody', () => {
    it('has a 160-character limit', () => assert.equal(SMS_MAX_LENGTH, 160));

    it('leaves a short, tidy text alone', () => {
      assert.equal(smsBody('Repair #12 approved.'), 'Repair #12 approved.');
    });

    it('collapses runs of whitespace (spaces, tabs, newlines) to one space and trims', () => {
      assert.equal(smsBody('  Repair  #12\n\n on unit\tA-1 \r\n approved.  '), 'Repair #12 on unit A-1 approved.');
    });

    it('turns whitespace-only text into an empty body', () => {
      assert.equal(smsBody(' \n\t '), '');
      assert.equal(smsBody(''), '');
    });

    it('keeps a text of exactly 160 characters whole', () => {
      const text = 'x'.repeat(160);
      assert.equal(smsBody(text), text);
    });

    it('cuts a text of 161 characters to 157 + "..."', () => {
      const text = 'a'.repeat(157) + 'bcde';
      const body = smsBody(text);
      assert.equal(body, 'a'.repeat(157) + '...');
      assert.equal(body.length, 160);
    });

    it('cuts a long text to exactly 160 characters', () => {
      const text = Array.from({ length: 50 }, (_, i) => `word${i}`).join(' ');
      const body = smsBody(text);
      assert.equal(body.length, 160);
      assert.equal(body, text.slice(0, 157) + '...');
    });

    it('measures the text after collapsing whitespace', () => {
      const words = Array.from({ length: 30 }, () => 'abcd');
      const text = words.join(' \n   ');
      assert.ok(text.length > 160);
      assert.equal(smsBody(text), words.join(' '));
      assert.equal(smsBody(text).length, 149);
    });

    it('never splits an emoji that falls on the cut', () => {
      const text = 'a'.repeat(156) + '😀' + 'b'.repeat(10);
      const body = smsBody(text);
      assert.equal(body, 'a'.repeat(156) + '😀...');
      assert.equal(codePoints(body), 160);
      assert.equal(hasLoneSurrogate(body), false);
    });

    it('drops an emoji just past the cut entirely', () => {
      const body = smsBody('a'.repeat(157) + '😀' + 'b'.repeat(10));
      assert.equal(body, 'a'.repeat(157) + '...');
    });

    it('counts an emoji as one character', () => {
      const fits = '😀'.repeat(160);
      assert.equal(smsBody(fits), fits);
      const tooLong = '😀'.repeat(161);
      const body = smsBody(tooLong);
      assert.equal(body, '😀'.repeat(157) + '...');
      assert.equal(codePoints(body), 160);
      assert.equal(hasLoneSurrogate(body), false);
    });

    it('never leaves a lone surrogate whatever the mix of text and emoji', () => {
      for (let prefix = 150; prefix <= 160; prefix++) {
        const body = smsBody('z'.repeat(prefix) + '🚗🔧🪟'.repeat(5));
        assert.equal(hasLoneSurrogate(body), false, `prefix ${prefix}`);
        assert.ok(codePoints(body) <= 160);
      }
    });
  });
});
