import { z } from 'zod';

/**
 * Most tables number their rows with PostgreSQL `integer`. An id past its range cannot name a row,
 * and sent to the database it fails there (a 500) instead of being refused here with its field.
 * Tables that grow without bound (notifications, delivery logs) use `bigint`: their ids stop at
 * JavaScript's safe integers instead.
 */
export const INT4_MAX = 2_147_483_647;

const whole = z.number().int('must be a whole number').positive('must be a positive integer');

/** An id of an `integer`-keyed table, in a JSON body. */
export const recordId = whole.max(INT4_MAX, 'is not a valid id');
/** The same in a path or query string (text, coerced). */
export const recordIdText = z.coerce.number().pipe(recordId);
/** An id of a `bigint`-keyed table, in a path or query string. */
export const bigRecordIdText = z.coerce.number().pipe(whole.max(Number.MAX_SAFE_INTEGER, 'is not a valid id'));
