import assert from 'node:assert/strict';
import { placeholders, renderTemplate, TemplateContextError } from '../../../src/domain/notifications/templates';
import { BRAND, bodyOf, CONTEXT, TEMPLATE, template, uniform } from './template-fixtures';

describe('domain/notifications/templates', () => {
  describe('placeholders', () => {
    it('finds simple names and dotted paths, with or without spaces', () => {
      assert.deepEqual(placeholders('{{a}} {{ b }} {{  c.d  }} {{e.f.g}}'), ['a', 'b', 'c.d', 'e.f.g']);
    });
    it('lists each name once, in order of first use', () => {
      assert.deepEqual(placeholders('{{ b }} {{a}} {{b}} {{ a }}'), ['b', 'a']);
    });
    it('finds nothing in plain text', () => {
      assert.deepEqual(placeholders(''), []);
      assert.deepEqual(placeholders('no variables { here } {x}'), []);
    });
    it('ignores what is not a variable path', () => {
      assert.deepEqual(placeholders('{{}} {{ a b }} {{ .a }} {{ a. }} {{ 1a }} {{a-b}}'), []);
    });
    it('finds placeholders inside HTML attributes', () => {
      assert.deepEqual(placeholders(TEMPLATE.emailHtml), ['repair.unitNumber', 'reason', 'actionUrl']);
    });
  });

  describe('renderTemplate', () => {
    it('fills every field, with dotted paths and optional spaces', () => {
      const r = renderTemplate(TEMPLATE, CONTEXT, BRAND);
      assert.equal(r.title, 'Repair #42 denied');
      assert.equal(r.message, 'The customer denied repair #42 on unit TRK-7: Crack longer than 6 inches');
      assert.equal(r.emailSubject, 'Denied: repair #42 on unit TRK-7');
      assert.equal(r.emailText, 'Unit TRK-7 was denied. Reason: Crack longer than 6 inches\nOpen: https://app.example.com/repairs/42');
      assert.equal(r.sms, 'RS Systems: repair #42 denied: Crack longer than 6 inches');
      assert.equal(
        bodyOf(r.emailHtml),
        '<p>Unit <strong>TRK-7</strong> was denied.</p><p>Reason: Crack longer than 6 inches</p><p><a href="https://app.example.com/repairs/42">Open</a></p>',
      );
    });

    it('returns exactly the rendered fields', () => {
      assert.deepEqual(Object.keys(renderTemplate(TEMPLATE, CONTEXT, BRAND)).sort(), [
        'emailHtml',
        'emailSubject',
        'emailText',
        'message',
        'sms',
        'title',
      ]);
    });

    describe('required context', () => {
      it('names the template and every missing variable', () => {
        assert.throws(
          () => renderTemplate(TEMPLATE, { repair: { id: 42 } }, BRAND),
          (err: unknown) => {
            assert.ok(err instanceof TemplateContextError);
            assert.ok(err instanceof Error);
            assert.equal(err.name, 'TemplateContextError');
            assert.equal(err.template, 'repair_denied');
            assert.deepEqual(err.missing, ['repair.unitNumber', 'reason', 'actionUrl']);
            for (const word of ['repair_denied', 'repair.unitNumber', 'reason', 'actionUrl'])
              assert.match(err.message, new RegExp(word.replace('.', '\\.')));
            assert.doesNotMatch(err.message, /repair\.id/);
            return true;
          },
        );
      });

      it('lists everything with an empty context', () => {
        assert.throws(
          () => renderTemplate(TEMPLATE, {}, BRAND),
          (err: any) => {
            assert.deepEqual(err.missing, TEMPLATE.requiredContext);
            return true;
          },
        );
      });

      it('counts null as missing, and a parent that is not an object', () => {
        assert.throws(
          () => renderTemplate(TEMPLATE, { ...CONTEXT, reason: null }, BRAND),
          (err: any) => {
            assert.deepEqual(err.missing, ['reason']);
            return true;
          },
        );
        assert.throws(
          () => renderTemplate(TEMPLATE, { ...CONTEXT, repair: 'TRK-7' }, BRAND),
          (err: any) => {
            assert.deepEqual(err.missing, ['repair.id', 'repair.unitNumber']);
            return true;
          },
        );
      });

      it('counts an empty string, zero and false as present', () => {
        const t = uniform('[{{a}}|{{b}}|{{c}}]', ['a', 'b', 'c']);
        assert.equal(renderTemplate(t, { a: '', b: 0, c: false }, BRAND).title, '[|0|false]');
      });

      it('names a variable required twice only once', () => {
        assert.throws(
          () => renderTemplate(uniform('{{a}}', ['a', 'a']), {}, BRAND),
          (err: any) => {
            assert.deepEqual(err.missing, ['a']);
            return true;
          },
        );
      });

      it('can require a brand value, which the brand always supplies', () => {
        assert.equal(renderTemplate(uniform('{{brand.companyName}}', ['brand.companyName']), {}, BRAND).title, 'RS Systems');
      });

      it('checks before rendering anything, even for fields that do not use the variable', () => {
        assert.throws(() => renderTemplate(uniform('static', ['x']), {}, BRAND), TemplateContextError);
      });
    });

    it('renders a missing optional variable as empty', () => {
      const r = renderTemplate(uniform('cost: {{estimatedCost}}; by {{tech.name}}.'), {}, BRAND);
      assert.equal(r.title, 'cost: ; by .');
      assert.equal(r.sms, 'cost: ; by .');
      assert.equal(bodyOf(r.emailHtml), 'cost: ; by .');
    });

    it('does not reach into prototypes', () => {
      const r = renderTemplate(uniform('[{{constructor}}|{{toString}}|{{repair.__proto__}}|{{repair.hasOwnProperty}}]'), CONTEXT, BRAND);
      assert.equal(r.title, '[|||]');
    });

    it('renders numbers with String(), dates as ISO strings, and other values sensibly', () => {
      const t = uniform('{{n}} {{f}} {{neg}} {{big}} {{yes}} {{d}} {{list}} {{obj}}');
      const r = renderTemplate(
        t,
        { n: 42, f: 12.5, neg: -0.1, big: 10n, yes: true, d: new Date('2026-03-08T07:00:00Z'), list: ['a', 1], obj: { k: 'v' } },
        BRAND,
      );
      assert.equal(r.title, '42 12.5 -0.1 10 true 2026-03-08T07:00:00.000Z a, 1 {"k":"v"}');
    });

    it('leaves text that is not a placeholder alone', () => {
      assert.equal(renderTemplate(uniform('{ x } {{ a b }} {{}} }}{{'), {}, BRAND).title, '{ x } {{ a b }} {{}} }}{{');
    });

    it('never expands placeholders that arrive inside a value', () => {
      const r = renderTemplate(uniform('{{a}}'), { a: '{{b}}', b: 'SECRET' }, BRAND);
      assert.equal(r.title, '{{b}}');
      assert.equal(bodyOf(r.emailHtml), '{{b}}');
    });

    it('handles "$" patterns in values literally', () => {
      assert.equal(renderTemplate(uniform('cost {{c}}'), { c: "$& $1 $' $$" }, BRAND).title, "cost $& $1 $' $$");
    });

    describe('HTML escaping', () => {
      const attack = `<script>alert("x")</script> & 'quoted'`;
      const escaped = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39;';

      it('escapes every substituted value in the HTML body', () => {
        const r = renderTemplate(TEMPLATE, { ...CONTEXT, reason: attack }, BRAND);
        assert.equal(
          bodyOf(r.emailHtml),
          `<p>Unit <strong>TRK-7</strong> was denied.</p><p>Reason: ${escaped}</p><p><a href="https://app.example.com/repairs/42">Open</a></p>`,
        );
        assert.doesNotMatch(r.emailHtml, /<script>/);
      });

      it('escapes a value inside an attribute so it cannot break out of the quotes', () => {
        const r = renderTemplate(TEMPLATE, { ...CONTEXT, actionUrl: 'x" onclick="evil()' }, BRAND);
        assert.match(bodyOf(r.emailHtml), /<a href="x&quot; onclick=&quot;evil\(\)">/);
      });

      it('keeps the markup the template itself contains', () => {
        assert.match(renderTemplate(TEMPLATE, CONTEXT, BRAND).emailHtml, /<strong>TRK-7<\/strong>/);
      });

      it('leaves the plain-text fields unescaped', () => {
        const r = renderTemplate(uniform('Reason: {{reason}}'), { reason: attack }, BRAND);
        for (const field of ['title', 'message', 'emailSubject', 'emailText', 'sms'] as const)
          assert.equal(r[field], `Reason: ${attack}`, field);
      });

      it('escapes the subject where the layout uses it as the page title', () => {
        const r = renderTemplate(template({ emailSubject: 'About {{reason}}' }), { ...CONTEXT, reason: attack }, BRAND);
        assert.match(r.emailHtml, new RegExp(`<title>About ${escaped.replace(/[()]/g, '\\$&')}</title>`));
        assert.equal(r.emailSubject, `About ${attack}`);
      });
    });

    describe('SMS', () => {
      it('collapses the whitespace of a multi-line SMS template', () => {
        const r = renderTemplate(template({ sms: '  Repair #{{repair.id}}\n  denied:\n\t{{reason}}  ' }), CONTEXT, BRAND);
        assert.equal(r.sms, 'Repair #42 denied: Crack longer than 6 inches');
      });

      it('cuts a long SMS to 160 characters after substitution', () => {
        const r = renderTemplate(TEMPLATE, { ...CONTEXT, reason: 'x'.repeat(300) }, BRAND);
        assert.equal(r.sms.length, 160);
        assert.ok(r.sms.startsWith('RS Systems: repair #42 denied: xxx'));
        assert.ok(r.sms.endsWith('x...'));
        assert.equal(r.message.length > 300, true, 'other fields are not cut');
      });
    });

    it('does not change the context or brand it is given', () => {
      const context = structuredClone(CONTEXT);
      const brand = { ...BRAND };
      renderTemplate(TEMPLATE, context, brand);
      assert.deepEqual(context, CONTEXT);
      assert.deepEqual(brand, BRAND);
    });
  });
});
