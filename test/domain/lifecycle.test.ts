import assert from 'node:assert/strict';
import { judgeMove, mayMove, MOVES, nextStatus, TRANSITIONS, type Actor, type Move } from '../../src/domain/lifecycle';
import { REPAIR_STATUSES, type RepairStatus } from '../../src/domain/repair';

const repairOf = (status: RepairStatus) => ({ status, customerId: 10, technicianId: 5 });

const ACTORS: Record<string, Actor> = {
  admin: { role: 'admin', userId: 1, customerId: null, technicianId: null },
  'assigned technician': { role: 'technician', userId: 2, customerId: null, technicianId: 5 },
  'other technician': { role: 'technician', userId: 3, customerId: null, technicianId: 6 },
  "repair's customer": { role: 'customer', userId: 4, customerId: 10, technicianId: null },
  'other customer': { role: 'customer', userId: 5, customerId: 11, technicianId: null },
};

/** The spec's table, written out independently of the implementation. */
const ALLOWED: Record<Move, { from: RepairStatus[]; to: RepairStatus | 'same'; who: string[] }> = {
  submit: { from: ['REQUESTED'], to: 'PENDING', who: ['admin', 'assigned technician'] },
  approve: { from: ['PENDING'], to: 'APPROVED', who: ['admin', "repair's customer"] },
  deny: { from: ['PENDING'], to: 'DENIED', who: ['admin', "repair's customer"] },
  start: { from: ['APPROVED'], to: 'IN_PROGRESS', who: ['admin', 'assigned technician'] },
  complete: { from: ['IN_PROGRESS'], to: 'COMPLETED', who: ['admin', 'assigned technician'] },
  assign: { from: ['REQUESTED', 'PENDING', 'APPROVED', 'IN_PROGRESS'], to: 'same', who: ['admin'] },
};

describe('domain/lifecycle', () => {
  it('has exactly the moves of the spec', () => {
    assert.deepEqual([...MOVES].sort(), Object.keys(ALLOWED).sort());
    assert.deepEqual(Object.keys(TRANSITIONS).sort(), Object.keys(ALLOWED).sort());
  });

  for (const move of MOVES) {
    for (const status of REPAIR_STATUSES) {
      for (const [name, actor] of Object.entries(ACTORS)) {
        const allowedFrom = ALLOWED[move].from.includes(status);
        const permitted = ALLOWED[move].who.includes(name);
        const expected = !permitted
          ? 'FORBIDDEN (403)'
          : !allowedFrom
            ? 'INVALID_TRANSITION (409)'
            : `→ ${ALLOWED[move].to === 'same' ? status : ALLOWED[move].to}`;
        it(`${move} from ${status} by ${name}: ${expected}`, () => {
          const verdict = judgeMove(move, actor, repairOf(status));
          if (!permitted) assert.deepEqual(verdict, { ok: false, reason: 'FORBIDDEN' });
          else if (!allowedFrom) assert.deepEqual(verdict, { ok: false, reason: 'INVALID_TRANSITION' });
          else assert.deepEqual(verdict, { ok: true, to: ALLOWED[move].to === 'same' ? status : ALLOWED[move].to });
        });
      }
    }
  }

  it('never lets anything leave COMPLETED or DENIED', () => {
    for (const move of MOVES) {
      assert.equal(nextStatus(move, 'COMPLETED'), null);
      assert.equal(nextStatus(move, 'DENIED'), null);
    }
  });

  it('refuses a technician with no technician profile, and a customer user with no customer', () => {
    const orphanTech: Actor = { role: 'technician', userId: 9, customerId: null, technicianId: null };
    const unassigned = { status: 'REQUESTED' as const, customerId: 10, technicianId: null };
    assert.equal(mayMove('submit', orphanTech, unassigned), false);
    const orphanCustomer: Actor = { role: 'customer', userId: 9, customerId: null, technicianId: null };
    assert.equal(mayMove('approve', orphanCustomer, { status: 'PENDING', customerId: 10, technicianId: null }), false);
  });
});
