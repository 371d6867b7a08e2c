import { z } from 'zod';
import { COMMENT_BODY_MAX } from './comments';
import { EDITABLE_FIELDS } from './edits';
import { customerCreateBody, withoutNul } from './repair-schemas';

/** Request rules for edits, completion notes and comments (API validation + OpenAPI). Not imported by workflows. */

const { unitNumber, description, damageType } = customerCreateBody.shape;

/** The fields creation takes, each by creation's rule; at least one. */
export const editBody = z
  .object({ description: description.optional(), damageType, unitNumber: unitNumber.optional() })
  .refine((b) => EDITABLE_FIELDS.some((f) => b[f] !== undefined), { message: `must set at least one of ${EDITABLE_FIELDS.join(', ')}` });

/** What the technician writes on completing the work: kept on the repair (`completionNotes`) and its history row. */
export const completeBody = z.object({
  notes: withoutNul(z.string().trim().max(2000, 'must be at most 2000 characters')).optional(),
});

export const commentBody = z.object({
  body: withoutNul(z.string().trim().min(1, 'must not be empty').max(COMMENT_BODY_MAX, `must be at most ${COMMENT_BODY_MAX} characters`)),
});

export const commentsQuery = z.object({
  page: z.coerce.number().int().min(1, 'must be 1 or more').default(1),
  pageSize: z.coerce.number().int().min(1, 'must be 1-100').max(100, 'must be 1-100').default(50),
});
