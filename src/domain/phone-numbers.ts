/**
 * The one E.164 rule, for API input, the delivery decision, the SMS transport and the ops console
 * alike: a number one of them accepts, every other accepts too. "+", a country code (never 0),
 * and 7 to 15 digits in all: 15 is E.164's maximum, 7 the shortest numbers in service (Saint
 * Helena's +290 xxxx). No spaces, dashes or brackets: the form SNS takes as it is.
 */
export const E164_PATTERN = /^\+[1-9]\d{6,14}$/;

/** The example the error messages give (a reserved, fictional US number). */
export const E164_EXAMPLE = '+15555550100';

export function isE164(s: string): boolean {
  return E164_PATTERN.test(s);
}
