import { WorkflowIdReusePolicy } from '@temporalio/client';
import type { z } from 'zod';
import type { Repair } from '../../db/models';
import { initialStatus, repairWorkflowId } from '../../domain/repair';
import { SA, type RepairWorkflowInput } from '../../workflows/definitions';
import type { repairWorkflow } from '../../workflows/repair';
import type { AppDeps, AuthUser } from '../context';
import { forbidden, validationFailed } from '../errors';
import { zodFields } from '../route';
import { customerCreateBody, staffCreateBody } from './schema';

type StaffBody = z.infer<typeof staffCreateBody>;

const WORKFLOW_START_DEADLINE_MS = 5_000;

async function resolveStaffFields(deps: AppDeps, user: AuthUser, body: StaffBody) {
  const { Customer, Technician } = deps.db.models;
  if (!(await Customer.query().findById(body.customerId))) {
    throw validationFailed({ customerId: `customer ${body.customerId} does not exist` });
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
 * Records the repair, then starts its workflow. The row is committed first because the workflow's
 * first activity reads it; if the start fails the row is removed again and the caller gets 503.
 */
export async function createRepair(deps: AppDeps, user: AuthUser, rawBody: unknown): Promise<Repair> {
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

  const { Repair } = deps.db.models;
  const status = initialStatus(user.role);
  const repair = await deps.db.knex.transaction(async (trx) => {
    const { rows } = await trx.raw<{ rows: { id: number }[] }>("select nextval(pg_get_serial_sequence('repairs', 'id')) as id");
    const id = Number(rows[0]?.id);
    return Repair.query(trx).insertAndFetch({
      id,
      customerId,
      technicianId,
      unitNumber: fields.unitNumber,
      description: fields.description,
      damageType: fields.damageType ?? null,
      status,
      estimatedCost: fields.estimatedCost ?? null,
      batchId: fields.batchId ?? null,
      workflowId: repairWorkflowId(id),
      createdByUserId: user.id,
    });
  });

  const input: RepairWorkflowInput = {
    repairId: repair.id,
    customerId,
    unitNumber: repair.unitNumber,
    status,
    technicianId,
    assignmentRetryMs: deps.config.repairs.assignmentRetryMs,
  };
  try {
    // Bounded: while Temporal is down the client would retry for a long time; the caller gets 503 sooner.
    await deps.temporal.connection.withDeadline(Date.now() + WORKFLOW_START_DEADLINE_MS, () =>
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
    await Repair.query().deleteById(repair.id);
    throw err;
  }
  return repair;
}
