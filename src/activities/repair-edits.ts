import { ApplicationFailure } from '@temporalio/common';
import { DataError } from 'objection';
import { changesOf, type EditCommand, type EditResult, type FieldChanges } from '../domain/edits';
import { FAILURE } from '../domain/failures';
import type { ActivityDeps } from './deps';

/** Edits of a repair's description, damage type and unit, each with its row in `repair_edits`. */
export function createRepairEditActivities({ db }: ActivityDeps) {
  const { Repair } = db.models;

  return {
    /**
     * Records one edit: the changed fields and their `repair_edits` row, in one transaction, guarded
     * by the status the workflow holds the repair in. Idempotent on `editId`; an edit that changes
     * nothing writes nothing.
     */
    async recordEdit(cmd: EditCommand): Promise<EditResult> {
      const edit = db.knex.transaction(async (trx) => {
        const repair = await Repair.query(trx).findById(cmd.repairId).forUpdate();
        if (!repair) throw ApplicationFailure.nonRetryable(`repair ${cmd.repairId} does not exist`, FAILURE.REPAIR_NOT_FOUND);
        const done = await trx('repair_edits').where('editId', cmd.editId).first<{ changes: FieldChanges } | undefined>('changes');
        if (done) return { record: repair.toRecord(), changes: done.changes };
        if (repair.status !== cmd.status) {
          throw ApplicationFailure.nonRetryable(
            `repair ${repair.id} is ${repair.status}, expected ${cmd.status}`,
            FAILURE.INVALID_TRANSITION,
          );
        }
        const changes = changesOf(repair, cmd.changes);
        const fields = Object.keys(changes) as (keyof FieldChanges)[];
        if (fields.length === 0) return { record: repair.toRecord(), changes };

        await Repair.query(trx)
          .patch(Object.fromEntries(fields.map((f) => [f, changes[f]!.to])))
          .where('id', repair.id);
        await trx('repair_edits').insert({
          repairId: repair.id,
          editId: cmd.editId,
          status: repair.status,
          byUserId: cmd.actor.userId,
          role: cmd.actor.role,
          changes: JSON.stringify(changes),
        });
        return { record: (await Repair.query(trx).findById(repair.id))!.toRecord(), changes };
      });
      // A value the database cannot hold fails the same way on every retry, holding the repair's
      // lock meanwhile: a refusal (the API checks first; this guards any other caller).
      return edit.catch((err: unknown) => {
        if (err instanceof DataError) throw ApplicationFailure.nonRetryable(err.message, 'InvalidValue');
        throw err;
      });
    },
  };
}
