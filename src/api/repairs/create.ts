import { WorkflowIdReusePolicy } from '@temporalio/client';
import type { z } from 'zod';
import { insertEvents } from '../../activities/repairs';
import type { EventDraft } from '../../domain/events';
import { initialStatus, repairWorkflowId, type RepairRecord } from '../../domain/repair';
import { customerCreateBody, staffCreateBody } from '../../domain/repair-schemas';
import { SA, type RepairWorkflowInput } from '../../workflows/definitions';
import type { repairWorkflow } from '../../workflows/repair';
import type { AppDeps, AuthUser } from '../context';
import { conflict, forbidden, validationFailed } from '../errors';
import { zodFields } from '../route';

type StaffBody = z.infer<typeof staffCreateBody>;

export const WORKFLOW_CALL_DEADLINE_MS = 5_000;

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
 * is committed first because the workflow's activities read it; if the start fails the row is
 * removed again and the caller gets 503.
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
      moveId: `${workflowId}/0-create`,
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
      events.push({ dedupeKey: `${workflowId}/0-create/approval_requested`, type: 'approval_requested', repairId: id, payload: { ...payload, estimatedCost: created.estimatedCost } });
    }
    if (technicianId !== null && technicianId !== user.technicianId) {
      events.push({ dedupeKey: `${workflowId}/0-create/technician_assigned`, type: 'technician_assigned', repairId: id, payload });
    }
    await insertEvents(trx, events);
    return created;
  });

  const input: RepairWorkflowInput = {
    repairId: repair.id,
    customerId,
    unitNumber: repair.unitNumber,
    status,
    technicianId,
    assignmentRetryMs: deps.config.repairs.assignmentRetryMs,
    approvalReminderMs: deps.config.repairs.approvalReminderMs,
    approvalEscalationMs: deps.config.repairs.approvalEscalationMs,
    delivery: {
      emailTaskQueue: deps.config.notifications.emailTaskQueue,
      maxAttempts: deps.config.notifications.maxAttempts,
      retryInitialMs: deps.config.notifications.retryInitialMs,
      attemptTimeoutMs: deps.config.notifications.attemptTimeoutMs,
    },
    deliveryInlineMax: deps.config.notifications.inlineMax,
  };
  try {
    // Bounded: while Temporal is down the client would retry for a long time; the caller gets 503 sooner.
    await deps.temporal.connection.withDeadline(Date.now() + WORKFLOW_CALL_DEADLINE_MS, () =>
      deps.temporal.client.workflow.start<typeof repairWorkflow>('repairWorkflow', {
        workflowId: repair.workflowId,
        taskQueue: deps.config.temporal.taskQueue,
        args: [input],
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        typedSearchAttributes: [
          { key: SA.RepairStatus, value: status },
          { key: SA.CustomerId, value: customerId },
          { key: SA.UnitNumber, value: repair.unitNumber },
          ...(technicianId !== null ? [{ key: SA.TechnicianId, value: technicianId }] : []),
        ],
      }),
    );
  } catch (err) {
    await Repair.query().deleteById(repair.id); // history and events go with it (ON DELETE CASCADE)
    throw err;
  }
  return repair.toRecord();
}
