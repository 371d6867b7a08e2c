import { Model } from 'objection';

/** Columns are snake_case in PostgreSQL, properties camelCase in code (the knex instance maps them). */
export class BaseModel extends Model {
  id!: number;
  createdAt!: Date;
  updatedAt!: Date;

  override $beforeUpdate(): void {
    this.updatedAt = new Date();
  }
}
