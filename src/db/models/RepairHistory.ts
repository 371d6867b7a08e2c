import { BaseModel } from './BaseModel';
import type { RepairStatus } from '../../domain/repair';

export type HistoryRole = 'customer' | 'technician' | 'admin' | 'system';

export class RepairHistory extends BaseModel {
  static override tableName = 'repair_history';

  repairId!: number;
  moveId!: string;
  move!: string;
  fromStatus!: RepairStatus | null;
  toStatus!: RepairStatus;
  byUserId!: number | null;
  role!: HistoryRole;
  reason!: string | null;
  notes!: string | null;
  technicianId!: number | null;
  at!: Date;

  // History rows are written once and never updated; they have no created/updated columns.
  override $beforeUpdate(): void {}

  static override jsonSchema = {
    type: 'object',
    required: ['repairId', 'moveId', 'move', 'toStatus', 'role'],
    properties: {
      id: { type: 'integer' },
      repairId: { type: 'integer' },
      moveId: { type: 'string', maxLength: 150 },
      move: { type: 'string', maxLength: 20 },
      fromStatus: { type: ['string', 'null'] },
      toStatus: { type: 'string' },
      byUserId: { type: ['integer', 'null'] },
      role: { type: 'string', enum: ['customer', 'technician', 'admin', 'system'] },
      reason: { type: ['string', 'null'] },
      notes: { type: ['string', 'null'] },
      technicianId: { type: ['integer', 'null'] },
    },
  };
}
