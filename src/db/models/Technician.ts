import type { RelationMappings } from 'objection';
import { BaseModel } from './BaseModel';
import { User } from './User';
import { Repair } from './Repair';

export class Technician extends BaseModel {
  static override tableName = 'technicians';

  userId!: number;
  isActive!: boolean;
  user?: User;

  static override jsonSchema = {
    type: 'object',
    required: ['userId'],
    properties: {
      id: { type: 'integer' },
      userId: { type: 'integer' },
      isActive: { type: 'boolean' },
    },
  };

  static override relationMappings = (): RelationMappings => ({
    user: {
      relation: BaseModel.BelongsToOneRelation,
      modelClass: User,
      join: { from: 'technicians.userId', to: 'users.id' },
    },
    repairs: {
      relation: BaseModel.HasManyRelation,
      modelClass: Repair,
      join: { from: 'technicians.id', to: 'repairs.technicianId' },
    },
  });
}
