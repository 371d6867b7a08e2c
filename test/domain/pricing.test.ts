import assert from 'node:assert/strict';
import { applyDiscount, priceForNthRepair, REPEAT_PRICE } from '../../src/domain/pricing';

describe('domain/pricing', () => {
  const steps: [number, number][] = [
    [1, 50],
    [2, 40],
    [3, 35],
    [4, 30],
    [5, 25],
    [6, 25],
    [100, 25],
  ];
  for (const [n, price] of steps) {
    it(`the ${n}${n === 1 ? 'st' : n === 2 ? 'nd' : n === 3 ? 'rd' : 'th'} completed repair of a unit costs ${price}`, () => {
      assert.equal(priceForNthRepair(n), price);
    });
  }
  it('keeps 25 as the repeat price', () => assert.equal(REPEAT_PRICE, 25));

  it('refuses counts that are not a positive whole number', () => {
    for (const n of [0, -1, 1.5, Number.NaN]) assert.throws(() => priceForNthRepair(n), RangeError);
  });

  describe('applyDiscount', () => {
    it('takes a percentage off, to the cent', () => {
      assert.equal(applyDiscount(50, { type: 'PERCENT', value: 10 }), 45);
      assert.equal(applyDiscount(35, { type: 'PERCENT', value: 15 }), 29.75);
      assert.equal(applyDiscount(25, { type: 'PERCENT', value: 33.33 }), 16.67);
    });
    it('takes a fixed amount off', () => {
      assert.equal(applyDiscount(40, { type: 'FIXED', value: 15 }), 25);
      assert.equal(applyDiscount(30, { type: 'FIXED', value: 0.1 }), 29.9);
    });
    it('never goes below zero', () => {
      assert.equal(applyDiscount(25, { type: 'FIXED', value: 100 }), 0);
      assert.equal(applyDiscount(25, { type: 'PERCENT', value: 150 }), 0);
      assert.equal(applyDiscount(25, { type: 'PERCENT', value: 100 }), 0);
    });
    it('refuses a negative discount', () => {
      assert.throws(() => applyDiscount(25, { type: 'FIXED', value: -5 }), RangeError);
    });
  });
});
