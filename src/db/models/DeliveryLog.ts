import type { RelationMappings } from 'objection';
import type { DeliveryChannel } from '../../domain/notifications/types';
import { BaseModel } from './BaseModel';
import { Notification } from './Notification';

export type DeliveryStatus = 'pending' | 'sent' | 'failed' | 'suppressed';

export class DeliveryLog extends BaseModel {
  static override tableName = 'delivery_logs';

  notificationId!: number;
  channel!: DeliveryChannel;
  status!: DeliveryStatus;
  attempt!: number;
  recipient!: string | null;
  providerMessageId!: string | null;
  errorCode!: string | null;
  errorMessage!: string | null;
  costEstimate!: number | null;
  /** What SES reported after accepting the email (see api/webhooks/ses-feedback.ts). */
  feedback!: 'delivered' | 'bounced' | 'complained' | null;
  feedbackAt!: Date | null;
  notification?: Notification;

  static override jsonSchema = {
    type: 'object',
    required: ['notificationId', 'channel', 'status', 'attempt'],
    properties: {
      id: { type: 'integer' },
      notificationId: { type: 'integer' },
      channel: { type: 'string', enum: ['email', 'sms'] },
      status: { type: 'string', enum: ['pending', 'sent', 'failed', 'suppressed'] },
      attempt: { type: 'integer', minimum: 0 },
      recipient: { type: ['string', 'null'] },
      providerMessageId: { type: ['string', 'null'] },
      errorCode: { type: ['string', 'null'] },
      errorMessage: { type: ['string', 'null'] },
      costEstimate: { type: ['number', 'null'] },
      feedback: { type: ['string', 'null'], enum: ['delivered', 'bounced', 'complained', null] },
    },
  };

  static override relationMappings = (): RelationMappings => ({
    notification: {
      relation: BaseModel.BelongsToOneRelation,
      modelClass: Notification,
      join: { from: 'delivery_logs.notificationId', to: 'notifications.id' },
    },
  });
}
