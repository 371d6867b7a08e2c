import type { RelationMappings } from 'objection';
import { BaseModel } from './BaseModel';
import { User } from './User';

export type DigestStatus = 'pending' | 'sent' | 'failed';

/** A user's daily digest for one local day: claimed `pending`, then `sent` or `failed`. */
export class NotificationDigest extends BaseModel {
  static override tableName = 'notification_digests';

  userId!: number;
  /** YYYY-MM-DD in the digest schedule's time zone. */
  digestDate!: string;
  status!: DigestStatus;
  notificationCount!: number;
  recipient!: string;
  providerMessageId!: string | null;
  errorCode!: string | null;
  errorMessage!: string | null;
  sentAt!: Date | null;
  user?: User;

  static override jsonSchema = {
    type: 'object',
    required: ['userId', 'digestDate', 'status', 'notificationCount', 'recipient'],
    properties: {
      id: { type: 'integer' },
      userId: { type: 'integer' },
      digestDate: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
      status: { type: 'string', enum: ['pending', 'sent', 'failed'] },
      notificationCount: { type: 'integer', minimum: 1 },
      recipient: { type: 'string', maxLength: 254 },
      providerMessageId: { type: ['string', 'null'] },
      errorCode: { type: ['string', 'null'] },
      errorMessage: { type: ['string', 'null'] },
    },
  };

  static override relationMappings = (): RelationMappings => ({
    user: {
      relation: BaseModel.BelongsToOneRelation,
      modelClass: User,
      join: { from: 'notification_digests.userId', to: 'users.id' },
    },
  });
}
