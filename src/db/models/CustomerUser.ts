import type { RelationMappings } from 'objection';
import { BaseModel } from './BaseModel';
import { User } from './User';
import { Customer } from './Customer';

export class CustomerUser extends BaseModel {
  static override tableName = 'customer_users';

  userId!: number;
  customerId!: number;

  static override jsonSchema = {
    type: 'object',
    required: ['userId', 'customerId'],
    properties: {
      id: { type: 'integer' },
      userId: { type: 'integer' },
      customerId: { type: 'integer' },
    },
  };

  static override relationMappings = (): RelationMappings => ({
    user: {
      relation: BaseModel.BelongsToOneRelation,
      modelClass: User,
      join: { from: 'customer_users.userId', to: 'users.id' },
    },
    customer: {
      relation: BaseModel.BelongsToOneRelation,
      modelClass: Customer,
      join: { from: 'customer_users.customerId', to: 'customers.id' },
    },
  });
}
