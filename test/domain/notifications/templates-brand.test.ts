import assert from 'node:assert/strict';
import { renderTemplate } from '../../../src/domain/notifications/templates';
import { BRAND, bodyOf, CONTEXT, TEMPLATE, uniform } from './template-fixtures';

describe('domain/notifications/templates: the branded email layout', () => {
  it('wraps the HTML body in a layout with the company name, primary colour header, accent and footer', () => {
    const html = renderTemplate(TEMPLATE, CONTEXT, BRAND).emailHtml;
    assert.match(html, /^<!DOCTYPE html>/);
    assert.match(html, /<meta charset="utf-8">/);
    assert.match(html, /<td style="background:#0b5394;[^"]*border-bottom:4px solid #f1c232;">/);
    assert.match(html, />RS Systems<\/span>/);
    assert.match(html, /RS Systems windshield repair\.<\/td>/);
    assert.doesNotMatch(html, /<img/);
    assert.ok(html.indexOf('RS Systems</span>') < html.indexOf('<strong>TRK-7</strong>'), 'header before body');
    assert.ok(html.indexOf('<strong>TRK-7</strong>') < html.indexOf('windshield repair.'), 'body before footer');
  });

  it('shows the logo, with the company name as its alt text, when there is one', () => {
    const html = renderTemplate(TEMPLATE, CONTEXT, { ...BRAND, logoUrl: 'https://cdn.example.com/logo.png?a=1&b=2' }).emailHtml;
    assert.match(html, /<img src="https:\/\/cdn\.example\.com\/logo\.png\?a=1&amp;b=2" alt="RS Systems"/);
  });

  it('drops a logo URL that is not http(s)', () => {
    for (const logoUrl of ['javascript:alert(1)', 'data:image/png;base64,AAAA', '/logo.png', '']) {
      const html = renderTemplate(TEMPLATE, CONTEXT, { ...BRAND, logoUrl }).emailHtml;
      assert.doesNotMatch(html, /<img/, logoUrl);
      assert.match(html, />RS Systems<\/span>/);
    }
  });

  it('escapes brand values in the layout', () => {
    const brand = { ...BRAND, companyName: 'A & B <Glass>', footerText: '<b>"Fine" print</b>', logoUrl: null };
    const html = renderTemplate(TEMPLATE, CONTEXT, brand).emailHtml;
    assert.match(html, />A &amp; B &lt;Glass&gt;<\/span>/);
    assert.match(html, /&lt;b&gt;&quot;Fine&quot; print&lt;\/b&gt;/);
    assert.doesNotMatch(html, /<Glass>|<b>/);
    const withLogo = renderTemplate(TEMPLATE, CONTEXT, { ...brand, logoUrl: 'https://x.example/l.png' }).emailHtml;
    assert.match(withLogo, /alt="A &amp; B &lt;Glass&gt;"/);
  });

  it('refuses colours that could smuggle CSS, falling back to the default palette', () => {
    const html = renderTemplate(TEMPLATE, CONTEXT, {
      ...BRAND,
      primaryColor: 'red;background:url(https://evil)',
      accentColor: '"><script>',
    }).emailHtml;
    assert.match(html, /background:#0b5394;/);
    assert.match(html, /border-bottom:4px solid #f1c232;/);
    assert.doesNotMatch(html, /evil|<script>/);
  });

  it('accepts hex and named colours', () => {
    const html = renderTemplate(TEMPLATE, CONTEXT, { ...BRAND, primaryColor: '#ABC', accentColor: 'teal' }).emailHtml;
    assert.match(html, /background:#ABC;[^"]*border-bottom:4px solid teal;/);
  });

  it('leaves the footer empty when there is no footer text', () => {
    const html = renderTemplate(TEMPLATE, CONTEXT, { ...BRAND, footerText: '' }).emailHtml;
    assert.match(html, /<tr><td style="padding:16px 24px;[^"]*"><\/td><\/tr>/);
  });

  it('offers brand values to every field as brand.*, escaped only in HTML', () => {
    const brand = { ...BRAND, companyName: 'A & B' };
    const r = renderTemplate(uniform('{{ brand.companyName }} / {{brand.primaryColor}} / {{brand.footerText}}'), {}, brand);
    assert.equal(r.title, 'A & B / #0b5394 / RS Systems windshield repair.');
    assert.equal(r.sms, 'A & B / #0b5394 / RS Systems windshield repair.');
    assert.equal(bodyOf(r.emailHtml), 'A &amp; B / #0b5394 / RS Systems windshield repair.');
  });

  it('takes brand values from the brand settings, not from a "brand" in the context', () => {
    const r = renderTemplate(uniform('{{brand.companyName}}'), { brand: { companyName: 'Impostor' } }, BRAND);
    assert.equal(r.title, 'RS Systems');
  });
});
