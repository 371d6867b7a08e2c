import { Model, type RelationMappings } from 'objection';
import { FREQUENCIES, TIME_OF_DAY, WEEKDAYS, type Frequency, type Weekday } from '../../domain/lot-walking';
import { Customer } from './Customer';

/**
 * A customer's lot-walking preferences. Extends Objection's Model rather than BaseModel: the row
 * is keyed by its customer and has no `id` or `createdAt`, which BaseModel would claim it has.
 */
export class CustomerRepairPreference extends Model {
  static override tableName = 'customer_repair_preferences';
  // camelCase like every other name in code: the knex instance maps it to customer_id.
  static override idColumn = 'customerId';

  customerId!: number;
  lotWalkingEnabled!: boolean;
  frequency!: Frequency;
  days!: Weekday[];
  time!: string;
  updatedAt!: Date;

  static override jsonSchema = {
    type: 'object',
    required: ['customerId', 'lotWalkingEnabled', 'frequency', 'days', 'time'],
    properties: {
      customerId: { type: 'integer' },
      lotWalkingEnabled: { type: 'boolean' },
      frequency: { type: 'string', enum: [...FREQUENCIES] },
      // type 'array' also makes Objection store it as JSON (pg would otherwise send a SQL array).
      days: {
        type: 'array',
        uniqueItems: true,
        maxItems: 7,
        items: { type: 'string', enum: [...WEEKDAYS] },
      },
      time: { type: 'string', pattern: TIME_OF_DAY.source },
    },
  };

  override $beforeUpdate(): void {
    this.updatedAt = new Date();
  }

  static override relationMappings = (): RelationMappings => ({
    customer: {
      relation: Model.BelongsToOneRelation,
      modelClass: Customer,
      join: { from: 'customer_repair_preferences.customerId', to: 'customers.id' },
    },
  });
}
