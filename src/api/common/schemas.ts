import { z } from 'zod';
import { bigRecordIdText, recordIdText } from '../../domain/ids';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordProblem } from '../../domain/passwords';
import { E164_EXAMPLE, E164_PATTERN } from '../../domain/phone-numbers';

export const idParam = z.object({ id: recordIdText });
/** For the `bigint`-keyed tables (notifications, delivery logs). */
export const bigIdParam = z.object({ id: bigRecordIdText });

export const e164 = z.string().trim().regex(E164_PATTERN, `must be an E.164 number such as ${E164_EXAMPLE}`);
export const email = z.email('must be an email address').max(254);

export const errorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.record(z.string(), z.string()).optional(),
  }),
});

export const timestamp = z.iso.datetime();

/** A password someone is choosing (creation, change, reset): the domain's one rule, as a field reason. */
export const newPassword = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(PASSWORD_MAX_LENGTH, `must be at most ${PASSWORD_MAX_LENGTH} characters`)
  .superRefine((value, ctx) => {
    const problem = passwordProblem(value);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
  });
