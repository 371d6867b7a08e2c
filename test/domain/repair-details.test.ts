import assert from 'node:assert/strict';
import { REPAIR_STATUSES, type RepairStatus } from '../../src/domain/repair';
import {
  advance,
  currentDetails,
  customerLabel,
  repairStaticDetails,
  repairSummary,
  type RepairMoment,
  type Waiting,
} from '../../src/domain/repair-details';

const at = (iso: string) => Date.parse(`${iso}Z`);
const SINCE = at('2026-12-01T10:02:30');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const identity = {
  repairId: 12,
  unitNumber: 'TRK-101',
  customerId: 3,
  customerName: 'Fleet One',
  damageType: 'chip' as string | null,
  description: 'Star break,\npassenger side',
};

const approval: Waiting = { for: 'approval', reminderAt: SINCE + DAY, escalationAt: SINCE + 2 * DAY };
const WAITS: Record<string, Waiting> = {
  none: null,
  'asking for a technician': { for: 'assignment', retryAt: null },
  'none active': { for: 'assignment', retryAt: SINCE + 5 * 60_000 },
  approval,
  reminded: { ...approval, remindedAt: SINCE + DAY },
  escalated: { ...approval, remindedAt: SINCE + DAY, escalatedAt: SINCE + 2 * DAY + 1000 },
};

/** Every status, with and without a technician, under every wait: written out, not derived. */
function expected(status: RepairStatus, tech: boolean, wait: string): string {
  const since = 'Dec 1 10:02 UTC';
  switch (status) {
    case 'REQUESTED':
      if (tech) return `waiting for technician #5 to send Fleet One an estimate since ${since}`;
      return wait === 'none active'
        ? `waiting for a technician since ${since}: none active; asking again at 10:07`
        : `waiting for a technician since ${since}: looking for the least loaded active one`;
    case 'PENDING': {
      const base = `waiting for Fleet One to approve since ${since}`;
      if (wait === 'approval') return `${base}; reminder Dec 2 10:02, escalation Dec 3 10:02`;
      if (wait === 'reminded') return `${base}; reminded Dec 2 10:02, escalation Dec 3 10:02`;
      if (wait === 'escalated') return `${base}; reminded Dec 2 10:02, escalated to admins Dec 3 10:02`;
      return base;
    }
    case 'APPROVED':
      return tech
        ? `approved by Fleet One; waiting for technician #5 to start since ${since}`
        : `approved by Fleet One; waiting for an admin to assign a technician since ${since}`;
    case 'IN_PROGRESS':
      return tech ? `in progress with technician #5 since ${since}` : `in progress since ${since}, no technician assigned`;
    case 'COMPLETED':
      return `completed ${since}${tech ? ' by technician #5' : ''}`;
    case 'DENIED':
      return `denied by Fleet One ${since}`;
  }
}

describe('domain/repair-details: what the Temporal UI says about a repair', () => {
  describe('currentDetails', () => {
    for (const status of REPAIR_STATUSES) {
      for (const tech of [false, true]) {
        for (const [wait, waiting] of Object.entries(WAITS)) {
          it(`${status}, ${tech ? 'technician #5' : 'no technician'}, wait: ${wait}`, () => {
            const m: RepairMoment = { status, technicianId: tech ? 5 : null, since: SINCE, waiting };
            assert.equal(currentDetails(m, 'Fleet One'), expected(status, tech, wait));
          });
        }
      }
    }

    it('gives a later time its date only when it falls on another day than the start', () => {
      const m: RepairMoment = {
        status: 'PENDING',
        technicianId: null,
        since: at('2026-12-31T23:58:00'),
        waiting: { for: 'approval', reminderAt: at('2026-12-31T23:59:30'), escalationAt: at('2027-01-01T00:00:10') },
      };
      assert.equal(
        currentDetails(m, 'Fleet One'),
        'waiting for Fleet One to approve since Dec 31 23:58 UTC; reminder 23:59, escalation Jan 1 00:00',
      );
    });
  });

  describe('advance', () => {
    const base: RepairMoment = { status: 'PENDING', technicianId: 5, since: SINCE, waiting: approval };
    const NOW = SINCE + HOUR;

    it('starts a new wait, with no known timers, whenever the status changes', () => {
      for (const from of REPAIR_STATUSES) {
        for (const to of REPAIR_STATUSES.filter((s) => s !== from)) {
          for (const technicianId of [null, 5, 6]) {
            const m = advance({ ...base, status: from }, { status: to, technicianId }, NOW);
            assert.deepEqual(m, { status: to, technicianId, since: NOW, waiting: null }, `${from} -> ${to}`);
          }
        }
      }
    });

    it('changes nothing when neither status nor technician changed', () => {
      for (const status of REPAIR_STATUSES) {
        for (const waiting of Object.values(WAITS)) {
          const m: RepairMoment = { status, technicianId: 5, since: SINCE, waiting };
          assert.equal(advance(m, { status, technicianId: 5 }, NOW), m);
        }
      }
    });

    it('keeps the approval clock and timers when the technician changes while PENDING', () => {
      assert.deepEqual(advance(base, { status: 'PENDING', technicianId: 6 }, NOW), { ...base, technicianId: 6 });
    });

    it('restarts the clock on a new technician elsewhere, and ends the wait for one', () => {
      for (const status of REPAIR_STATUSES.filter((s) => s !== 'PENDING')) {
        const asking: RepairMoment = { status, technicianId: null, since: SINCE, waiting: WAITS['none active']! };
        assert.deepEqual(advance(asking, { status, technicianId: 5 }, NOW), { status, technicianId: 5, since: NOW, waiting: null });
      }
    });
  });

  describe('summary and static details', () => {
    it('is unit · customer · damage', () => {
      assert.equal(repairSummary(identity), 'TRK-101 · Fleet One · chip');
    });

    it('falls back to the description, then to words, and to the customer id for workflows without the name', () => {
      assert.equal(repairSummary({ ...identity, damageType: null }), 'TRK-101 · Fleet One · Star break, passenger side');
      assert.equal(repairSummary({ ...identity, damageType: ' ', description: '' }), 'TRK-101 · Fleet One · damage not described');
      const long = repairSummary({ ...identity, damageType: null, description: 'x'.repeat(100) });
      assert.equal(long, `TRK-101 · Fleet One · ${'x'.repeat(39)}…`);
      assert.equal(repairSummary({ ...identity, customerName: undefined }), 'TRK-101 · customer #3 · chip');
    });

    it('keeps names on one line', () => {
      assert.equal(customerLabel(3, ' Fleet\n\tOne '), 'Fleet One');
      assert.equal(customerLabel(3, '\n'), 'customer #3');
    });

    it('says what the repair was when its workflow started', () => {
      assert.equal(
        repairStaticDetails({ ...identity, status: 'PENDING', technicianId: 5 }),
        [
          'Repair #12 of unit TRK-101 for Fleet One (customer #3)',
          '',
          '- Damage: chip',
          '- Description: Star break, passenger side',
          '- Found in the field by staff, awaiting approval',
          '- Technician at start: technician #5',
        ].join('\n'),
      );
      const requested = repairStaticDetails({ ...identity, damageType: null, status: 'REQUESTED', technicianId: null });
      assert.match(requested, /\n- Damage: no type given\n/);
      assert.match(requested, /\n- Requested by the customer\n- Technician at start: none yet$/);
    });
  });
});
