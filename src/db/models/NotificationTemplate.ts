import { BaseModel } from './BaseModel';

export class NotificationTemplate extends BaseModel {
  static override tableName = 'notification_templates';

  name!: string;
  version!: number;
  title!: string;
  message!: string;
  emailSubject!: string;
  emailHtml!: string;
  emailText!: string;
  sms!: string;
  requiredContext!: string[];
  isActive!: boolean;

  static override jsonSchema = {
    type: 'object',
    required: ['name', 'version', 'title', 'message', 'emailSubject', 'emailHtml', 'emailText', 'sms'],
    properties: {
      id: { type: 'integer' },
      name: { type: 'string', maxLength: 50 },
      version: { type: 'integer', minimum: 1 },
      title: { type: 'string', maxLength: 200 },
      message: { type: 'string' },
      emailSubject: { type: 'string', maxLength: 200 },
      emailHtml: { type: 'string' },
      emailText: { type: 'string' },
      sms: { type: 'string' },
      requiredContext: { type: 'array', items: { type: 'string' } },
      isActive: { type: 'boolean' },
    },
  };
}
