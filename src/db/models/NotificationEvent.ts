import { BaseModel } from './BaseModel';

export class NotificationEvent extends BaseModel {
  static override tableName = 'notification_events';

  dedupeKey!: string;
  type!: string;
  repairId!: number | null;
  payload!: Record<string, unknown>;
  processedAt!: Date | null;

  override $beforeUpdate(): void {}

  static override jsonSchema = {
    type: 'object',
    required: ['dedupeKey', 'type'],
    properties: {
      id: { type: 'integer' },
      dedupeKey: { type: 'string', maxLength: 200 },
      type: { type: 'string', maxLength: 50 },
      repairId: { type: ['integer', 'null'] },
      payload: { type: 'object' },
    },
  };
}
