import type { Priority } from '../../domain/notifications/types';
import type { Audience } from '../../domain/notifications/announcements';
import { BaseModel } from './BaseModel';

export class Announcement extends BaseModel {
  static override tableName = 'announcements';

  title!: string;
  message!: string;
  priority!: Priority;
  audience!: Audience;
  createdBy!: number | null;
  idempotencyKey!: string | null;

  override $beforeUpdate(): void {}

  static override jsonSchema = {
    type: 'object',
    required: ['title', 'message', 'priority', 'audience'],
    properties: {
      id: { type: 'integer' },
      title: { type: 'string', maxLength: 200 },
      message: { type: 'string' },
      priority: { type: 'string' },
      audience: { type: 'string' },
      createdBy: { type: ['integer', 'null'] },
      idempotencyKey: { type: ['string', 'null'], maxLength: 100 },
    },
  };
}
