import type { Priority } from './types';

/** Why a non-urgent SMS was held back: logged as the suppressed delivery's error code. */
export const SMS_BUDGET_REASON = 'sms_budget_exceeded';

/** The first instant of the calendar month (UTC) that `at` falls in: the budget resets there. */
export function budgetMonthStart(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
}

/**
 * Whether one more SMS fits in the monthly budget. URGENT always goes: a customer must hear about
 * an urgent decision even when the month's money is spent. Otherwise the message is sent only if
 * it keeps the month's spend within the budget, where spend counts every SMS that may have cost
 * money: sent, claimed and in flight, or of unknown outcome.
 */
export function smsWithinBudget(input: { priority: Priority; spentUsd: number; costUsd: number; budgetUsd: number }): boolean {
  if (input.priority === 'URGENT') return true;
  // Compared in hundred-thousandths of a dollar (the log's precision), so float sums cannot tip it.
  const units = (usd: number) => Math.round(usd * 100_000);
  return units(input.spentUsd) + units(input.costUsd) <= units(input.budgetUsd);
}
