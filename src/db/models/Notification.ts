import type { RelationMappings } from 'objection';
import type { RenderedNotification } from '../../domain/notifications/templates';
import type { Category, Channel, Priority } from '../../domain/notifications/types';
import { BaseModel } from './BaseModel';
import { User } from './User';

/** The rendered email and SMS, kept with the notification for its deliveries. */
export type NotificationContent = Pick<RenderedNotification, 'emailSubject' | 'emailHtml' | 'emailText' | 'sms'>;

export class Notification extends BaseModel {
  static override tableName = 'notifications';

  userId!: number;
  eventId!: number | null;
  /** The announcement it tells of (null for a repair's event). */
  announcementId!: number | null;
  repairId!: number | null;
  title!: string;
  message!: string;
  category!: Category;
  priority!: Priority;
  actionUrl!: string | null;
  channels!: Channel[];
  content!: NotificationContent;
  emailSent!: boolean;
  smsSent!: boolean;
  isRead!: boolean;
  readAt!: Date | null;
  user?: User;

  override $beforeUpdate(): void {}

  static override jsonSchema = {
    type: 'object',
    required: ['userId', 'title', 'message', 'category', 'priority'],
    properties: {
      id: { type: 'integer' },
      userId: { type: 'integer' },
      eventId: { type: ['integer', 'null'] },
      announcementId: { type: ['integer', 'null'] },
      repairId: { type: ['integer', 'null'] },
      title: { type: 'string', maxLength: 200 },
      message: { type: 'string' },
      category: { type: 'string' },
      priority: { type: 'string' },
      actionUrl: { type: ['string', 'null'], maxLength: 500 },
      channels: { type: 'array', items: { type: 'string' } },
      content: { type: 'object' },
      emailSent: { type: 'boolean' },
      smsSent: { type: 'boolean' },
      isRead: { type: 'boolean' },
    },
  };

  static override relationMappings = (): RelationMappings => ({
    user: {
      relation: BaseModel.BelongsToOneRelation,
      modelClass: User,
      join: { from: 'notifications.userId', to: 'users.id' },
    },
  });
}
