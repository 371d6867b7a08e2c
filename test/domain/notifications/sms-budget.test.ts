import assert from 'node:assert/strict';
import { budgetMonthStart, smsWithinBudget } from '../../../src/domain/notifications/sms-budget';
import { PRIORITIES } from '../../../src/domain/notifications/types';

describe('domain: SMS spend guard', () => {
  const within = (spentUsd: number, priority: (typeof PRIORITIES)[number] = 'HIGH', costUsd = 0.00645, budgetUsd = 1) =>
    smsWithinBudget({ priority, spentUsd, costUsd, budgetUsd });

  it('sends while the month spend plus this message stays within the budget, and not past it', () => {
    assert.equal(within(0), true);
    assert.equal(within(1 - 0.00645), true); // lands exactly on the budget
    assert.equal(within(1 - 0.00644), false); // a hundred-thousandth over
    assert.equal(within(1), false);
    assert.equal(within(5), false);
  });

  it('is not fooled by float sums (155 SMS of $0.00645 fit in $1, the 156th does not)', () => {
    let spent = 0;
    let sent = 0;
    while (within(spent)) {
      spent += 0.00645;
      sent++;
    }
    assert.equal(sent, 155);
  });

  it('always lets URGENT through, and holds every other priority', () => {
    for (const p of PRIORITIES) assert.equal(within(100, p), p === 'URGENT', p);
  });

  it('a zero budget holds every non-urgent SMS', () => {
    assert.equal(within(0, 'HIGH', 0.00645, 0), false);
    assert.equal(within(0, 'URGENT', 0.00645, 0), true);
  });

  it('resets on the first of the month, UTC', () => {
    assert.equal(budgetMonthStart(new Date('2026-11-30T23:59:59Z')).toISOString(), '2026-11-01T00:00:00.000Z');
    assert.equal(budgetMonthStart(new Date('2026-12-01T00:00:00Z')).toISOString(), '2026-12-01T00:00:00.000Z');
    assert.equal(budgetMonthStart(new Date('2027-01-15T12:00:00Z')).toISOString(), '2027-01-01T00:00:00.000Z');
  });
});
