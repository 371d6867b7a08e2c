import type { z } from 'zod';
import { ForbiddenError, ConflictError, UnavailableError, ValidationError } from '../domain/errors';
import type { EventDraft } from '../domain/events';
import { keys } from '../domain/keys';
import { initialStatus, type RepairRecord } from '../domain/repair';
import type { customerCreateBody, staffCreateBody } from '../domain/repair-schemas';
import type { Role } from '../domain/roles';
import { insertEvents } from '../db/queries/events';
import { isAssignable } from '../db/queries/technician-load';
import type { UseCaseDeps } from './deps';
import { confirmStarted, markUnconfirmed, repairStartOptions, startRepairWorkflow } from './repair-start';
import { announce, repairActivity } from '../db/queries/live-events';

/** A customer's request, as the API's schema parsed it. */
export type CustomerRepairFields = z.output<typeof customerCreateBody>;
/** A technician's or an admin's field find, as the API's schema parsed it. */
export type StaffRepairFields = z.output<typeof staffCreateBody>;

/** Who creates the repair. */
export interface Creator {
  id: number;
  role: Role;
  customerId: number | null;
  technicianId: number | null;
}

/** Everything the repair row needs beyond who created it. */
type NewRepair = Pick<StaffRepairFields, 'unitNumber' | 'description' | 'damageType' | 'estimatedCost' | 'batchId'> & {
  customerId: number;
  technicianId: number | null;
};

/** A customer's request for their own customer; it starts REQUESTED. */
export async function createCustomerRepair(deps: UseCaseDeps, creator: Creator, fields: CustomerRepairFields): Promise<RepairRecord> {
  if (creator.customerId === null) throw new ForbiddenError('This account is not linked to a customer');
  return recordAndStart(deps, creator, { ...fields, customerId: creator.customerId, technicianId: null });
}

/** A repair staff found in the field, for the customer they name; it starts PENDING. */
export async function createStaffRepair(deps: UseCaseDeps, creator: Creator, fields: StaffRepairFields): Promise<RepairRecord> {
  const { technicianId } = await resolveStaffFields(deps, creator, fields);
  return recordAndStart(deps, creator, { ...fields, technicianId });
}

async function resolveStaffFields(
  deps: UseCaseDeps,
  creator: Creator,
  fields: StaffRepairFields,
): Promise<{ technicianId: number | null }> {
  const { Customer, Repair } = deps.db.models;
  if (!(await Customer.query().findById(fields.customerId))) {
    throw new ValidationError({ customerId: `customer ${fields.customerId} does not exist` });
  }
  if (fields.batchId !== undefined) {
    const other = await Repair.query().where('batchId', fields.batchId).whereNot('customerId', fields.customerId).first();
    if (other) throw new ConflictError('That batch belongs to another customer', { batchId: 'belongs to another customer' });
  }
  if (creator.role === 'technician') {
    if (fields.technicianId !== undefined && fields.technicianId !== creator.technicianId) {
      throw new ForbiddenError('Only an admin may name another technician');
    }
    return { technicianId: creator.technicianId };
  }
  if (fields.technicianId === undefined) return { technicianId: null };
  if (!(await isAssignable(deps.db.knex, fields.technicianId))) {
    throw new ValidationError({ technicianId: `no active technician ${fields.technicianId}` });
  }
  return { technicianId: fields.technicianId };
}

/**
 * Records the repair (with its first history row and events), then starts its workflow. The row
 * is committed first because the workflow's activities read it, together with a marker saying its
 * workflow is not yet known to run. Then, by what `startRepairWorkflow` finds out:
 * - started (even if the start call itself failed): the marker goes, the caller gets the repair;
 * - certainly not started: the row goes, the caller gets the start's error (503);
 * - unknown (Temporal does not answer): the caller gets the error and the row stays, marked.
 *   Deleting it now could leave a workflow running for a repair that no longer exists; keeping it
 *   and starting the workflow later would make a second repair when the caller retries. The sweep
 *   (`undoUnconfirmedRepairs`, every process runs it) terminates the workflow if it did start,
 *   then deletes the row, once Temporal answers. The same sweep undoes a creation whose process
 *   died before it knew.
 */
async function recordAndStart(deps: UseCaseDeps, creator: Creator, fields: NewRepair): Promise<RepairRecord> {
  const { Customer, Repair, RepairHistory } = deps.db.models;
  const { customerId, technicianId } = fields;
  const status = initialStatus(creator.role);
  const { created: repair, customerName } = await deps.db.knex.transaction(async (trx) => {
    const { rows } = await trx.raw<{ rows: { id: number }[] }>("select nextval(pg_get_serial_sequence('repairs', 'id')) as id");
    const id = Number(rows[0]?.id);
    const workflowId = keys.repairWorkflow(id);
    const moveId = keys.move(workflowId, 0, 'create');
    const created = await Repair.query(trx).insertAndFetch({
      id,
      customerId,
      technicianId,
      unitNumber: fields.unitNumber,
      description: fields.description,
      damageType: fields.damageType ?? null,
      status,
      estimatedCost: fields.estimatedCost ?? null,
      batchId: fields.batchId ?? null,
      workflowId,
      createdByUserId: creator.id,
    });
    await RepairHistory.query(trx).insert({
      repairId: id,
      moveId,
      move: 'create',
      fromStatus: null,
      toStatus: status,
      byUserId: creator.id,
      role: creator.role,
      technicianId,
    });
    const payload = { repairId: id, customerId, technicianId, unitNumber: created.unitNumber, status };
    const events: EventDraft[] = [];
    if (status === 'PENDING') {
      events.push({
        dedupeKey: keys.moveEvent(moveId, 'approval_requested'),
        type: 'approval_requested',
        repairId: id,
        payload: { ...payload, estimatedCost: created.estimatedCost },
      });
    }
    if (technicianId !== null && technicianId !== creator.technicianId) {
      events.push({ dedupeKey: keys.moveEvent(moveId, 'technician_assigned'), type: 'technician_assigned', repairId: id, payload });
    }
    await insertEvents(trx, events);
    await markUnconfirmed(trx, id);
    // For the workflow's texts in the Temporal UI; the customer exists (checked, or the creator's own).
    const owner = await Customer.query(trx).findById(customerId);
    await announce(trx, [repairActivity(created, { move: 'create', unitNumber: created.unitNumber })]);
    return { created, customerName: owner?.name ?? `customer #${customerId}` };
  });

  const started = await startRepairWorkflow(
    deps,
    repairStartOptions(deps.config, {
      ...{ id: repair.id, unitNumber: repair.unitNumber, description: repair.description, damageType: repair.damageType },
      ...{ customerId, customerName, technicianId, status },
    }),
  );
  if (started.outcome === 'not-started') {
    await Repair.query().deleteById(repair.id); // history, events and marker go with it (ON DELETE CASCADE)
  }
  if (started.outcome !== 'started') throw started.error;
  if (!(await confirmStarted(deps, repair.id))) {
    throw new UnavailableError('The repair could not be created in time; try again');
  }
  return repair.toRecord();
}
