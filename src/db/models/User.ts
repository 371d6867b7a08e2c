import type { RelationMappings } from 'objection';
import { ROLES, type Role } from '../../domain/roles';
import { BaseModel } from './BaseModel';
import { Technician } from './Technician';
import { CustomerUser } from './CustomerUser';

export class User extends BaseModel {
  static override tableName = 'users';

  username!: string;
  passwordHash!: string;
  email!: string | null;
  phone!: string | null;
  role!: Role;
  isActive!: boolean;
  emailVerified!: boolean;
  phoneVerified!: boolean;
  sessionVersion!: number;
  timezone!: string | null;

  customerUser?: CustomerUser | null;
  technician?: Technician | null;

  static override jsonSchema = {
    type: 'object',
    required: ['username', 'passwordHash', 'role'],
    properties: {
      id: { type: 'integer' },
      username: { type: 'string', minLength: 3, maxLength: 150 },
      passwordHash: { type: 'string', minLength: 1, maxLength: 255 },
      email: { type: ['string', 'null'], maxLength: 254 },
      phone: { type: ['string', 'null'], maxLength: 32 },
      role: { type: 'string', enum: [...ROLES] },
      isActive: { type: 'boolean' },
    },
  };

  static override relationMappings = (): RelationMappings => ({
    customerUser: {
      relation: BaseModel.HasOneRelation,
      modelClass: CustomerUser,
      join: { from: 'users.id', to: 'customer_users.userId' },
    },
    technician: {
      relation: BaseModel.HasOneRelation,
      modelClass: Technician,
      join: { from: 'users.id', to: 'technicians.userId' },
    },
  });
}
