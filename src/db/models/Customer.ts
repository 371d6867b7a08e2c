import type { RelationMappings } from 'objection';
import { BaseModel } from './BaseModel';
import { User } from './User';

export class Customer extends BaseModel {
  static override tableName = 'customers';

  name!: string;
  email!: string | null;
  phone!: string | null;

  static override jsonSchema = {
    type: 'object',
    required: ['name'],
    properties: {
      id: { type: 'integer' },
      name: { type: 'string', minLength: 1, maxLength: 200 },
      email: { type: ['string', 'null'], maxLength: 254 },
      phone: { type: ['string', 'null'], maxLength: 32 },
    },
  };

  static override relationMappings = (): RelationMappings => ({
    users: {
      relation: BaseModel.ManyToManyRelation,
      modelClass: User,
      join: {
        from: 'customers.id',
        through: { from: 'customer_users.customerId', to: 'customer_users.userId' },
        to: 'users.id',
      },
    },
  });
}
