/** USD price of a repair by how many of this customer's unit's repairs are completed, this one included. */
const SCHEDULE: readonly number[] = [50, 40, 35, 30];
export const REPEAT_PRICE = 25;

export function priceForNthRepair(n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`repair count must be a positive integer, got ${n}`);
  return SCHEDULE[n - 1] ?? REPEAT_PRICE;
}

export type DiscountType = 'PERCENT' | 'FIXED';

const toCents = (usd: number) => Math.round(usd * 100);

/** The cost after a reward: percent or fixed off, never below zero, to the cent. */
export function applyDiscount(cost: number, discount: { type: DiscountType; value: number }): number {
  if (discount.value < 0) throw new RangeError('a discount cannot be negative');
  const cents = toCents(cost);
  const off = discount.type === 'PERCENT' ? Math.round((cents * Math.min(discount.value, 100)) / 100) : toCents(discount.value);
  return Math.max(0, cents - off) / 100;
}
