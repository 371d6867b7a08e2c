import assert from 'node:assert/strict';
import { ServiceError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { ApiError } from '../../../src/api/errors';
import { toApiError } from '../../../src/api/middleware/errors';
import { ConflictError, ForbiddenError, NotFoundError, UnavailableError, ValidationError } from '../../../src/domain/errors';

describe('api: error mapping', () => {
  it("a use-case's refusal keeps its message and fields under the API's stable code and status", () => {
    const cases = [
      [
        new ValidationError({ customerId: 'customer 9 does not exist' }),
        400,
        'VALIDATION_FAILED',
        'The request is not valid',
        { customerId: 'customer 9 does not exist' },
      ],
      [new NotFoundError('Delivery log'), 404, 'NOT_FOUND', 'Delivery log not found', undefined],
      [
        new ConflictError('That batch belongs to another customer', { batchId: 'belongs to another customer' }),
        409,
        'CONFLICT',
        'That batch belongs to another customer',
        { batchId: 'belongs to another customer' },
      ],
      [
        new ForbiddenError('Only an admin may name another technician'),
        403,
        'FORBIDDEN',
        'Only an admin may name another technician',
        undefined,
      ],
      [
        new UnavailableError('The repair could not be created in time; try again'),
        503,
        'SERVICE_UNAVAILABLE',
        'The repair could not be created in time; try again',
        undefined,
      ],
    ] as const;
    for (const [err, status, code, message, fields] of cases) {
      const mapped = toApiError(err);
      assert.deepEqual([mapped.status, mapped.code, mapped.message, mapped.fields], [status, code, message, fields], err.name);
    }
  });

  it('an update call cut off by a Temporal outage is 503 (the move may be retried), not 500', () => {
    const cut = new WorkflowUpdateRPCTimeoutOrCancelledError('Timeout or cancellation waiting for update', {
      cause: Object.assign(new Error('1 CANCELLED: Call cancelled'), { code: 1 }),
    });
    const mapped = toApiError(cut);
    assert.ok(mapped instanceof ApiError);
    assert.deepEqual([mapped.status, mapped.code], [503, 'SERVICE_UNAVAILABLE']);
  });

  it('an unknown error stays a 500 without its message', () => {
    const mapped = toApiError(new Error('secret detail: password=hunter2'));
    assert.deepEqual([mapped.status, mapped.code], [500, 'INTERNAL']);
    assert.ok(!mapped.message.includes('hunter2'));
  });

  const grpc = (code: number, details: string) => Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });

  it('Temporal unreachable, past a deadline or cancelled is 503', () => {
    for (const [code, details] of [
      [14, 'UNAVAILABLE'],
      [4, 'DEADLINE_EXCEEDED'],
      [1, 'CANCELLED'],
    ] as const) {
      const mapped = toApiError(new ServiceError('Failed to start Workflow', { cause: grpc(code, details) }));
      assert.deepEqual([mapped.status, mapped.code], [503, 'SERVICE_UNAVAILABLE'], details);
    }
  });

  it('any other Temporal service error is a 500, not a 503 (retrying it would not help)', () => {
    for (const [code, details] of [
      [3, 'INVALID_ARGUMENT'],
      [7, 'PERMISSION_DENIED'],
      [13, 'INTERNAL'],
    ] as const) {
      const mapped = toApiError(new ServiceError('Failed to start Workflow', { cause: grpc(code, details) }));
      assert.deepEqual([mapped.status, mapped.code], [500, 'INTERNAL'], details);
    }
  });
});
