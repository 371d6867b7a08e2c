import type { RelationMappings } from 'objection';
import { REPAIR_STATUSES, type RepairRecord, type RepairStatus } from '../../domain/repair';
import { BaseModel } from './BaseModel';
import { Technician } from './Technician';
import { Customer } from './Customer';

export class Repair extends BaseModel {
  static override tableName = 'repairs';

  customerId!: number;
  technicianId!: number | null;
  unitNumber!: string;
  description!: string;
  damageType!: string | null;
  status!: RepairStatus;
  estimatedCost!: number | null;
  cost!: number | null;
  discountedCost!: number | null;
  denialReason!: string | null;
  batchId!: string | null;
  workflowId!: string;
  createdByUserId!: number;
  startedAt!: Date | null;
  completedAt!: Date | null;
  completionNotes!: string | null;

  static override jsonSchema = {
    type: 'object',
    required: ['customerId', 'unitNumber', 'description', 'status', 'workflowId', 'createdByUserId'],
    properties: {
      id: { type: 'integer' },
      customerId: { type: 'integer' },
      technicianId: { type: ['integer', 'null'] },
      unitNumber: { type: 'string', minLength: 1, maxLength: 50 },
      description: { type: 'string', minLength: 1 },
      damageType: { type: ['string', 'null'], maxLength: 50 },
      status: { type: 'string', enum: [...REPAIR_STATUSES] },
      estimatedCost: { type: ['number', 'null'], minimum: 0 },
      cost: { type: ['number', 'null'], minimum: 0 },
      discountedCost: { type: ['number', 'null'], minimum: 0 },
      denialReason: { type: ['string', 'null'] },
      batchId: { type: ['string', 'null'], maxLength: 64 },
      workflowId: { type: 'string', maxLength: 100 },
      createdByUserId: { type: 'integer' },
      completionNotes: { type: ['string', 'null'] },
    },
  };

  /** The fields that leave the system (API, workflow update results). */
  toRecord(): RepairRecord {
    return {
      id: this.id,
      customerId: this.customerId,
      technicianId: this.technicianId,
      unitNumber: this.unitNumber,
      description: this.description,
      damageType: this.damageType,
      status: this.status,
      estimatedCost: this.estimatedCost,
      cost: this.cost,
      discountedCost: this.discountedCost,
      denialReason: this.denialReason,
      batchId: this.batchId,
      workflowId: this.workflowId,
      startedAt: this.startedAt?.toISOString() ?? null,
      completedAt: this.completedAt?.toISOString() ?? null,
      completionNotes: this.completionNotes,
      createdAt: this.createdAt.toISOString(),
      updatedAt: this.updatedAt.toISOString(),
    };
  }

  static override relationMappings = (): RelationMappings => ({
    customer: {
      relation: BaseModel.BelongsToOneRelation,
      modelClass: Customer,
      join: { from: 'repairs.customerId', to: 'customers.id' },
    },
    technician: {
      relation: BaseModel.BelongsToOneRelation,
      modelClass: Technician,
      join: { from: 'repairs.technicianId', to: 'technicians.id' },
    },
  });
}
