import type { RelationMappings } from 'objection';
import { BaseModel } from './BaseModel';
import { RewardOption } from './RewardOption';

export class RewardRedemption extends BaseModel {
  static override tableName = 'reward_redemptions';

  userId!: number;
  customerId!: number;
  rewardOptionId!: number;
  status!: 'PENDING' | 'APPLIED';
  appliedToRepairId!: number | null;
  appliedAt!: Date | null;
  rewardOption?: RewardOption;

  static override jsonSchema = {
    type: 'object',
    required: ['userId', 'customerId', 'rewardOptionId'],
    properties: {
      id: { type: 'integer' },
      userId: { type: 'integer' },
      customerId: { type: 'integer' },
      rewardOptionId: { type: 'integer' },
      status: { type: 'string', enum: ['PENDING', 'APPLIED'] },
      appliedToRepairId: { type: ['integer', 'null'] },
    },
  };

  static override relationMappings = (): RelationMappings => ({
    rewardOption: {
      relation: BaseModel.BelongsToOneRelation,
      modelClass: RewardOption,
      join: { from: 'reward_redemptions.rewardOptionId', to: 'reward_options.id' },
    },
  });
}
