import type { z } from 'zod';
import type { EventDraft } from '../../domain/events';
import { keys } from '../../domain/keys';
import { initialStatus, repairWorkflowId, type RepairRecord } from '../../domain/repair';
import { customerCreateBody, staffCreateBody } from '../../domain/repair-schemas';
import { insertEvents } from '../../db/queries/events';
import type { AppDeps, AuthUser } from '../context';
import { ApiError, conflict, forbidden, validationFailed } from '../errors';
import { zodFields } from '../route';
import { confirmStarted, markUnconfirmed, repairStartOptions, startRepairWorkflow } from './workflow-start';

type StaffBody = z.infer<typeof staffCreateBody>;

export { WORKFLOW_CALL_DEADLINE_MS } from './workflow-start';

async function resolveStaffFields(deps: AppDeps, user: AuthUser, body: StaffBody) {
  const { Customer, Technician, Repair } = deps.db.models;
  if (!(await Customer.query().findById(body.customerId))) {
    throw validationFailed({ customerId: `customer ${body.customerId} does not exist` });
  }
  if (body.batchId !== undefined) {
    const other = await Repair.query().where('batchId', body.batchId).whereNot('customerId', body.customerId).first();
    if (other) throw conflict('That batch belongs to another customer', { batchId: 'belongs to another customer' });
  }
  if (user.role === 'technician') {
    if (body.technicianId !== undefined && body.technicianId !== user.technicianId) {
      throw forbidden('Only an admin may name another technician');
    }
    return { technicianId: user.technicianId };
  }
  if (body.technicianId === undefined) return { technicianId: null };
  const tech = await Technician.query().findById(body.technicianId);
  if (!tech || !tech.isActive) throw validationFailed({ technicianId: `no active technician ${body.technicianId}` });
  return { technicianId: tech.id };
}

/**
 * Records the repair (with its first history row and events), then starts its workflow. The row
 * is committed first because the workflow's activities read it, together with a marker saying its
 * workflow is not yet known to run. Then, by what `startRepairWorkflow` finds out:
 * - started (even if the start call itself failed): the marker goes, the caller gets the repair;
 * - certainly not started: the row goes, the caller gets 503;
 * - unknown (Temporal does not answer): the caller gets 503 and the row stays, marked. Deleting
 *   it now could leave a workflow running for a repair that no longer exists; keeping it and
 *   starting the workflow later would make a second repair when the caller retries. The sweep
 *   (`undoUnconfirmedRepairs`, every process runs it) terminates the workflow if it did start,
 *   then deletes the row, once Temporal answers. The same sweep undoes a creation whose process
 *   died before it knew.
 */
export async function createRepair(deps: AppDeps, user: AuthUser, rawBody: unknown): Promise<RepairRecord> {
  const schema = user.role === 'customer' ? customerCreateBody : staffCreateBody;
  const parsed = schema.safeParse(rawBody ?? {});
  if (!parsed.success) throw validationFailed(zodFields(parsed.error, 'body', rawBody ?? {}));

  let fields: Partial<StaffBody> & z.infer<typeof customerCreateBody>;
  let customerId: number;
  let technicianId: number | null = null;
  if (user.role === 'customer') {
    if (user.customerId === null) throw forbidden('This account is not linked to a customer');
    fields = parsed.data;
    customerId = user.customerId;
  } else {
    const body = parsed.data as StaffBody;
    ({ technicianId } = await resolveStaffFields(deps, user, body));
    fields = body;
    customerId = body.customerId;
  }

  const { Repair, RepairHistory } = deps.db.models;
  const status = initialStatus(user.role);
  const repair = await deps.db.knex.transaction(async (trx) => {
    const { rows } = await trx.raw<{ rows: { id: number }[] }>("select nextval(pg_get_serial_sequence('repairs', 'id')) as id");
    const id = Number(rows[0]?.id);
    const workflowId = repairWorkflowId(id);
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
      createdByUserId: user.id,
    });
    await RepairHistory.query(trx).insert({
      repairId: id,
      moveId: keys.move(workflowId, 0, 'create'),
      move: 'create',
      fromStatus: null,
      toStatus: status,
      byUserId: user.id,
      role: user.role,
      technicianId,
    });
    const payload = { repairId: id, customerId, technicianId, unitNumber: created.unitNumber, status };
    const events: EventDraft[] = [];
    if (status === 'PENDING') {
      events.push({ dedupeKey: keys.moveEvent(keys.move(workflowId, 0, 'create'), 'approval_requested'), type: 'approval_requested', repairId: id, payload: { ...payload, estimatedCost: created.estimatedCost } });
    }
    if (technicianId !== null && technicianId !== user.technicianId) {
      events.push({ dedupeKey: keys.moveEvent(keys.move(workflowId, 0, 'create'), 'technician_assigned'), type: 'technician_assigned', repairId: id, payload });
    }
    await insertEvents(trx, events);
    await markUnconfirmed(trx, id);
    return created;
  });

  const started = await startRepairWorkflow(deps, repairStartOptions(deps.config, { id: repair.id, customerId, unitNumber: repair.unitNumber, technicianId, status }));
  if (started.outcome === 'not-started') {
    await Repair.query().deleteById(repair.id); // history, events and marker go with it (ON DELETE CASCADE)
  }
  if (started.outcome !== 'started') throw started.error;
  if (!(await confirmStarted(deps, repair.id))) {
    throw new ApiError('SERVICE_UNAVAILABLE', 'The repair could not be created in time; try again');
  }
  return repair.toRecord();
}
