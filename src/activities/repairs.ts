import { ApplicationFailure } from '@temporalio/common';
import { chooseTechnician, type TechnicianLoad } from '../domain/assignment';
import { technicianLoadQuery } from '../db/queries/technician-load';
import type { ActivityDeps } from './index';

/** Serialises assignment decisions: concurrent requests see each other's picks instead of racing. */
const ASSIGNMENT_LOCK_KEY = 0x5245_5041; // "REPA"

export function createRepairActivities({ db }: ActivityDeps) {
  return {
    /**
     * Picks the least-loaded active technician and records it, in one transaction.
     * Idempotent: a retry after a commit finds the repair already assigned and returns that technician.
     * Returns null when no technician is active.
     */
    async assignTechnician(repairId: number): Promise<number | null> {
      return db.knex.transaction(async (trx) => {
        await trx.raw('select pg_advisory_xact_lock(?)', [ASSIGNMENT_LOCK_KEY]);
        const repair = await db.models.Repair.query(trx).findById(repairId).forUpdate();
        if (!repair) throw ApplicationFailure.nonRetryable(`repair ${repairId} does not exist`, 'RepairNotFound');
        if (repair.technicianId !== null) return repair.technicianId;

        const loads: TechnicianLoad[] = await technicianLoadQuery(trx)
          .where('t.is_active', true)
          .select({ technicianId: 't.id', isActive: 't.is_active' });
        const chosen = chooseTechnician(loads);
        if (chosen === null) return null;
        await db.models.Repair.query(trx).patch({ technicianId: chosen }).where('id', repairId);
        return chosen;
      });
    },
  };
}
