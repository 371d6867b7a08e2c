import { ApplicationFailure } from '@temporalio/common';
import type { Knex } from 'knex';
import { DataError, ForeignKeyViolationError } from 'objection';
import { chooseTechnician, type TechnicianLoad } from '../domain/assignment';
import type { EventCommand, EventDraft, EventType } from '../domain/events';
import type { MoveCommand } from '../domain/moves';
import { applyDiscount, priceForNthRepair } from '../domain/pricing';
import type { RepairRecord } from '../domain/repair';
import { insertEvents } from '../db/queries/events';
import { announce, type LiveEventDraft } from '../db/queries/live-events';
import { ASSIGNABLE_SQL, isAssignable, technicianLoadQuery } from '../db/queries/technician-load';
import type { Repair } from '../db/models';
import { FAILURE } from '../domain/failures';
import { keys } from '../domain/keys';
import type { ActivityDeps } from './deps';

const payloadOf = (r: Repair, extra: Record<string, unknown> = {}) => ({
  repairId: r.id,
  customerId: r.customerId,
  technicianId: r.technicianId,
  unitNumber: r.unitNumber,
  status: r.status,
  ...extra,
});

/** The live `repair` event of a move: who may see the repair after it (and the technician who lost it). */
const repairChanged = (r: Repair, patch: { status?: string; technicianId?: number | null }, move: string): LiveEventDraft => {
  const status = patch.status ?? r.status;
  const technicianId = patch.technicianId === undefined ? r.technicianId : patch.technicianId;
  return {
    type: 'repair',
    repairId: r.id,
    customerId: r.customerId,
    technicianId,
    previousTechnicianId: technicianId !== r.technicianId ? r.technicianId : null,
    status,
    payload: { repairId: r.id, unitNumber: r.unitNumber, move, status, previousStatus: r.status, technicianId },
  };
};

export function createRepairActivities({ db, rewards }: ActivityDeps) {
  const { Repair, RepairHistory, RewardRedemption } = db.models;

  async function loadForUpdate(trx: Knex.Transaction, repairId: number): Promise<Repair> {
    const repair = await Repair.query(trx).findById(repairId).forUpdate();
    if (!repair) throw ApplicationFailure.nonRetryable(`repair ${repairId} does not exist`, FAILURE.REPAIR_NOT_FOUND);
    return repair;
  }

  /** Price by the unit's completed count, then apply the customer's oldest pending redemption. */
  async function priceCompletion(trx: Knex.Transaction, repair: Repair, moveId: string) {
    // Same unit: serialise so two completions cannot both be "the first".
    await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [keys.locks.unitPricing(repair.customerId, repair.unitNumber)]);
    // Same customer: serialise so two completions cannot apply the same redemption.
    await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [keys.locks.customerRewards(repair.customerId)]);
    const done = await Repair.query(trx)
      .where({ customerId: repair.customerId, unitNumber: repair.unitNumber, status: 'COMPLETED' })
      .resultSize();
    const cost = priceForNthRepair(done + 1);
    const redemption = await RewardRedemption.query(trx)
      .where({ customerId: repair.customerId, status: 'PENDING' })
      .orderBy([{ column: 'createdAt' }, { column: 'id' }])
      .withGraphJoined('rewardOption')
      .first();
    const events: EventDraft[] = [];
    let discountedCost = cost;
    if (redemption?.rewardOption) {
      const option = redemption.rewardOption;
      discountedCost = applyDiscount(cost, { type: option.discountType, value: option.discountValue });
      await RewardRedemption.query(trx)
        .patch({ status: 'APPLIED', appliedToRepairId: repair.id, appliedAt: new Date() })
        .where('id', redemption.id);
      events.push({
        dedupeKey: keys.moveEvent(moveId, 'reward_applied'),
        type: 'reward_applied',
        repairId: repair.id,
        payload: payloadOf(repair, { redemptionId: redemption.id, rewardName: option.name, cost, discountedCost }),
      });
    }
    return { cost, discountedCost, events };
  }

  /**
   * Points for a completed repair, to the customer user who requested it (for a field find, the
   * customer's first active user). Written once: the ledger reference is unique per repair.
   */
  async function awardRepairPoints(trx: Knex.Transaction, repair: Repair): Promise<void> {
    if (rewards.pointsPerCompletedRepair <= 0) return;
    const earner = await trx('users as u')
      .join('customer_users as cu', 'cu.user_id', 'u.id')
      .where('cu.customer_id', repair.customerId)
      .where('u.is_active', true)
      .orderByRaw('(u.id = ?) desc, u.id', [repair.createdByUserId])
      .first<{ id: number } | undefined>('u.id');
    if (!earner) return;
    await trx('reward_points')
      .insert({
        user_id: earner.id,
        delta: rewards.pointsPerCompletedRepair,
        reason: 'repair_completed',
        ref: keys.repairPoints(repair.id),
      })
      .onConflict('ref')
      .ignore();
  }

  return {
    /**
     * Picks the least-loaded active technician and records it, with its history row and event,
     * in one transaction. Idempotent: a retry finds the repair assigned and returns that technician.
     * Returns null when no technician is active.
     */
    async assignTechnician(repairId: number, moveId: string): Promise<number | null> {
      return db.knex.transaction(async (trx) => {
        await trx.raw('select pg_advisory_xact_lock(?)', [keys.locks.assignment]);
        const repair = await loadForUpdate(trx, repairId);
        if (repair.technicianId !== null) return repair.technicianId;

        const loads: TechnicianLoad[] = await technicianLoadQuery(trx)
          .whereRaw(ASSIGNABLE_SQL)
          .select({ technicianId: 't.id', isActive: trx.raw(ASSIGNABLE_SQL) });
        const chosen = chooseTechnician(loads);
        if (chosen === null) return null;
        await Repair.query(trx).patch({ technicianId: chosen }).where('id', repairId);
        await RepairHistory.query(trx).insert({
          repairId,
          moveId,
          move: 'assign',
          fromStatus: repair.status,
          toStatus: repair.status,
          role: 'system',
          technicianId: chosen,
        });
        await insertEvents(trx, [
          {
            dedupeKey: keys.moveEvent(moveId, 'technician_assigned'),
            type: 'technician_assigned',
            repairId,
            payload: payloadOf(repair, { technicianId: chosen }),
          },
        ]);
        await announce(trx, [repairChanged(repair, { technicianId: chosen }, 'assign')]);
        return chosen;
      });
    },

    /**
     * Records one move: status (guarded by the expected current status), its side effects, the
     * history row and the events, in one transaction. Idempotent on `moveId`.
     */
    async recordMove(cmd: MoveCommand): Promise<RepairRecord> {
      return db.knex
        .transaction(async (trx) => {
          const repair = await loadForUpdate(trx, cmd.repairId);
          if (await RepairHistory.query(trx).findOne({ moveId: cmd.moveId })) return repair.toRecord();
          if (repair.status !== cmd.from) {
            throw ApplicationFailure.nonRetryable(
              `repair ${repair.id} is ${repair.status}, expected ${cmd.from}`,
              FAILURE.INVALID_TRANSITION,
            );
          }

          const patch: Partial<
            Pick<
              Repair,
              | 'status'
              | 'estimatedCost'
              | 'denialReason'
              | 'technicianId'
              | 'cost'
              | 'discountedCost'
              | 'startedAt'
              | 'completedAt'
              | 'completionNotes'
            >
          > = { status: cmd.to };
          const events: EventDraft[] = [];
          const event = (type: EventType, extra: Record<string, unknown> = {}) =>
            events.push({
              dedupeKey: keys.moveEvent(cmd.moveId, type),
              type,
              repairId: repair.id,
              payload: payloadOf(repair, { ...extra, status: cmd.to }),
            });
          const batchEvent = (type: 'batch_approved' | 'batch_denied', extra: Record<string, unknown> = {}) =>
            // One notice per batch and technician, however many of its repairs this technician has.
            events.push({
              dedupeKey: keys.batchEvent(cmd.batchId as string, type, repair.technicianId),
              type,
              repairId: repair.id,
              payload: payloadOf(repair, { ...extra, batchId: cmd.batchId, status: cmd.to }),
            });

          switch (cmd.move) {
            case 'submit':
              if (cmd.estimatedCost !== undefined) patch.estimatedCost = cmd.estimatedCost;
              event('approval_requested', { estimatedCost: cmd.estimatedCost ?? repair.estimatedCost });
              break;
            case 'approve':
              if (cmd.batchId) batchEvent('batch_approved');
              else event('repair_approved');
              break;
            case 'deny':
              patch.denialReason = cmd.reason ?? null;
              if (cmd.batchId) batchEvent('batch_denied', { reason: cmd.reason });
              else event('repair_denied', { reason: cmd.reason });
              break;
            case 'start':
              patch.startedAt = new Date();
              event('work_started');
              break;
            case 'complete': {
              const priced = await priceCompletion(trx, repair, cmd.moveId);
              patch.cost = priced.cost;
              patch.discountedCost = priced.discountedCost;
              events.push(...priced.events);
              await awardRepairPoints(trx, repair);
              patch.completedAt = new Date();
              patch.completionNotes = cmd.notes || null;
              event('work_completed', { cost: priced.cost, discountedCost: priced.discountedCost });
              break;
            }
            case 'assign': {
              const techId = cmd.technicianId;
              if (techId === undefined || !(await isAssignable(trx, techId))) {
                throw ApplicationFailure.nonRetryable(`no active technician ${cmd.technicianId}`, FAILURE.INVALID_TECHNICIAN);
              }
              patch.technicianId = techId;
              event('technician_assigned', { technicianId: techId });
              if (repair.technicianId !== null && repair.technicianId !== techId) {
                event('technician_unassigned', { technicianId: repair.technicianId, newTechnicianId: techId });
              }
              break;
            }
          }

          await Repair.query(trx).patch(patch).where('id', repair.id);
          await RepairHistory.query(trx).insert({
            repairId: repair.id,
            moveId: cmd.moveId,
            move: cmd.move,
            fromStatus: cmd.from,
            toStatus: cmd.to,
            byUserId: cmd.actor.userId,
            role: cmd.actor.role,
            reason: cmd.reason ?? null,
            notes: cmd.notes ?? null,
            technicianId: patch.technicianId ?? repair.technicianId,
          });
          await insertEvents(trx, events);
          await announce(trx, [repairChanged(repair, patch, cmd.move)]);
          return (await Repair.query(trx).findById(repair.id))!.toRecord();
        })
        .catch((err: unknown) => {
          // Only an actor can point nowhere (a signal's byUserId): that fails the same way on every
          // retry, so it is a refusal, not an outage to wait out.
          if (err instanceof ForeignKeyViolationError && err.table === 'repair_history') {
            throw ApplicationFailure.nonRetryable(`no user ${cmd.actor.userId}`, FAILURE.INVALID_ACTOR);
          }
          // So does a value the database cannot hold (the API refuses them first): retried, it
          // would hold the repair's lock forever.
          if (err instanceof DataError) throw ApplicationFailure.nonRetryable(err.message, 'InvalidValue');
          throw err;
        });
    },

    /** An event that is not a move (approval reminder, escalation). Idempotent on its key. */
    async recordRepairEvent(cmd: EventCommand): Promise<void> {
      const repair = await Repair.query().findById(cmd.repairId);
      if (!repair) throw ApplicationFailure.nonRetryable(`repair ${cmd.repairId} does not exist`, FAILURE.REPAIR_NOT_FOUND);
      await insertEvents(db.knex, [{ dedupeKey: cmd.dedupeKey, type: cmd.type, repairId: repair.id, payload: payloadOf(repair) }]);
    },
  };
}
