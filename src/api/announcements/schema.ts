import { z } from 'zod';
import type { Announcement } from '../../db/models';
import { keys } from '../../domain/keys';
import { ANNOUNCEMENT_MESSAGE_MAX, ANNOUNCEMENT_TITLE_MAX, AUDIENCES } from '../../domain/notifications/announcements';
import { PRIORITIES } from '../../domain/notifications/types';
import { timestamp } from '../common/schemas';

export const announcementBody = z.object({
  title: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(ANNOUNCEMENT_TITLE_MAX, `must be at most ${ANNOUNCEMENT_TITLE_MAX} characters`)
    // It is the email's subject line too.
    .regex(/^[^\r\n]*$/, 'must be a single line'),
  message: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(ANNOUNCEMENT_MESSAGE_MAX, `must be at most ${ANNOUNCEMENT_MESSAGE_MAX} characters`),
  priority: z.enum(PRIORITIES),
  audience: z.enum(AUDIENCES),
});

/** Client-chosen, so it is checked like a request id: short and printable. */
export const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,100}$/;

export const announcementStarted = z.object({
  announcementId: z.number().int(),
  workflowId: z.string(),
  recipients: z.number().int(),
});

export const announcementSchema = z.object({
  id: z.number().int(),
  title: z.string(),
  message: z.string(),
  priority: z.enum(PRIORITIES),
  audience: z.enum(AUDIENCES),
  createdBy: z.number().int().nullable(),
  createdAt: timestamp,
  workflowId: z.string(),
  /** Notifications created so far (one per recipient), and how many were read or sent. */
  counts: z.object({
    recipients: z.number().int(),
    read: z.number().int(),
    emailSent: z.number().int(),
    smsSent: z.number().int(),
  }),
});

export type AnnouncementCounts = z.output<typeof announcementSchema>['counts'];

export function presentAnnouncement(a: Announcement, counts: AnnouncementCounts | undefined): z.output<typeof announcementSchema> {
  return {
    id: a.id,
    title: a.title,
    message: a.message,
    priority: a.priority,
    audience: a.audience,
    createdBy: a.createdBy,
    createdAt: a.createdAt.toISOString(),
    workflowId: keys.announcementWorkflow(a.id),
    counts: counts ?? { recipients: 0, read: 0, emailSent: 0, smsSent: 0 },
  };
}
