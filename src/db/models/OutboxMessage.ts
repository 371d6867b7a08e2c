import { BaseModel } from './BaseModel';

/** A message the local transport "sent" (development default): a notification's email/SMS or a digest. */
export class OutboxMessage extends BaseModel {
  static override tableName = 'outbox_messages';

  notificationId!: number | null;
  digestId!: number | null;
  channel!: 'email' | 'sms';
  to!: string;
  subject!: string | null;
  body!: string;
  html!: string | null;
  sentAt!: Date;

  override $beforeUpdate(): void {}

  static override jsonSchema = {
    type: 'object',
    required: ['channel', 'to', 'body'],
    properties: {
      id: { type: 'integer' },
      notificationId: { type: ['integer', 'null'] },
      digestId: { type: ['integer', 'null'] },
      channel: { type: 'string', enum: ['email', 'sms'] },
      to: { type: 'string', maxLength: 254 },
      subject: { type: ['string', 'null'], maxLength: 200 },
      body: { type: 'string' },
      html: { type: ['string', 'null'] },
    },
  };
}
