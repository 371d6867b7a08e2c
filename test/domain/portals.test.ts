import assert from 'node:assert/strict';
import fc from 'fast-check';
import { portalLinks, singlePortal, type PortalUrls } from '../../src/domain/portals';
import { ROLES, type Role } from '../../src/domain/roles';

const PORTALS: PortalUrls = {
  customer: 'https://repairs.example.com/app',
  technician: 'https://repairs.example.com/tech',
  admin: 'https://ops.example.org',
};

describe('domain: portal links', () => {
  const links = portalLinks(PORTALS);

  it("builds each role's repair page and reset link under that role's portal", () => {
    assert.equal(links.repairLink('customer', 42), 'https://repairs.example.com/app/repairs/42');
    assert.equal(links.repairLink('technician', 42), 'https://repairs.example.com/tech/repairs/42');
    assert.equal(links.repairLink('admin', 42), 'https://ops.example.org/repairs/42');
    assert.equal(links.passwordResetLink('technician', 'T0K'), 'https://repairs.example.com/tech/reset-password?token=T0K');
    assert.equal(links.portalUrl('admin'), 'https://ops.example.org');
  });

  it('keeps approve-by-link on the customer portal, whoever the link is drawn for', () => {
    assert.equal(links.approvalLink('abc'), 'https://repairs.example.com/app/a/abc');
  });

  it('refuses a role it has no portal for instead of linking to "undefined"', () => {
    assert.throws(() => links.repairLink('fleet_manager' as Role, 1), /no portal for role "fleet_manager"/);
    assert.throws(() => links.portalUrl('constructor' as Role), /no portal/);
  });

  it('gives one base to every role when only one URL is known', () => {
    const one = portalLinks(singlePortal('http://127.0.0.1:3000'));
    for (const role of ROLES) assert.equal(one.repairLink(role, 7), 'http://127.0.0.1:3000/repairs/7');
  });

  it("never puts a role's link under another role's portal", () => {
    const base = fc.webUrl({ withQueryParameters: false, withFragments: false }).map((u) => u.replace(/\/+$/, ''));
    fc.assert(
      fc.property(
        fc.record({ customer: base, technician: base, admin: base }),
        fc.constantFrom(...ROLES),
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        (portals, role, repairId) => {
          const l = portalLinks(portals);
          assert.equal(l.repairLink(role, repairId), `${portals[role]}/repairs/${repairId}`);
          assert.ok(l.passwordResetLink(role, 'x').startsWith(`${portals[role]}/`));
          assert.ok(l.approvalLink('x').startsWith(`${portals.customer}/`));
        },
      ),
    );
  });
});
