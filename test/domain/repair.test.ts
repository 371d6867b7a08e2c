import assert from 'node:assert/strict';
import { canSeeRepair, initialStatus, isActiveStatus, REPAIR_STATUSES, type Viewer } from '../../src/domain/repair';

const admin: Viewer = { role: 'admin', customerId: null, technicianId: null };
const customer: Viewer = { role: 'customer', customerId: 10, technicianId: null };
const orphanCustomer: Viewer = { role: 'customer', customerId: null, technicianId: null };
const tech: Viewer = { role: 'technician', customerId: null, technicianId: 5 };

describe('domain/repair', () => {
  it('starts a customer request REQUESTED and a field find PENDING', () => {
    assert.equal(initialStatus('customer'), 'REQUESTED');
    assert.equal(initialStatus('technician'), 'PENDING');
    assert.equal(initialStatus('admin'), 'PENDING');
  });

  it('counts REQUESTED, PENDING, APPROVED and IN_PROGRESS as active load', () => {
    assert.deepEqual(REPAIR_STATUSES.filter(isActiveStatus), ['REQUESTED', 'PENDING', 'APPROVED', 'IN_PROGRESS']);
  });

  describe('canSeeRepair', () => {
    for (const status of REPAIR_STATUSES) {
      it(`admin sees every repair (${status})`, () => {
        assert.equal(canSeeRepair(admin, { customerId: 1, technicianId: null, status }), true);
      });
      it(`a customer sees only its own customer's repairs (${status})`, () => {
        assert.equal(canSeeRepair(customer, { customerId: 10, technicianId: 1, status }), true);
        assert.equal(canSeeRepair(customer, { customerId: 11, technicianId: 1, status }), false);
        assert.equal(canSeeRepair(orphanCustomer, { customerId: 10, technicianId: 1, status }), false);
      });
      it(`a technician sees own repairs, and others only while REQUESTED (${status})`, () => {
        assert.equal(canSeeRepair(tech, { customerId: 1, technicianId: 5, status }), true);
        assert.equal(canSeeRepair(tech, { customerId: 1, technicianId: 6, status }), status === 'REQUESTED');
        assert.equal(canSeeRepair(tech, { customerId: 1, technicianId: null, status }), status === 'REQUESTED');
      });
    }
  });
});
