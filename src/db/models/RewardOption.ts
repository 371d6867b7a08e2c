import { BaseModel } from './BaseModel';
import type { DiscountType } from '../../domain/pricing';

export class RewardOption extends BaseModel {
  static override tableName = 'reward_options';

  name!: string;
  pointsRequired!: number;
  discountType!: DiscountType;
  discountValue!: number;
  isActive!: boolean;

  static override jsonSchema = {
    type: 'object',
    required: ['name', 'pointsRequired', 'discountType', 'discountValue'],
    properties: {
      id: { type: 'integer' },
      name: { type: 'string', minLength: 1, maxLength: 200 },
      pointsRequired: { type: 'integer', minimum: 0 },
      discountType: { type: 'string', enum: ['PERCENT', 'FIXED'] },
      discountValue: { type: 'number', minimum: 0 },
      isActive: { type: 'boolean' },
    },
  };
}
