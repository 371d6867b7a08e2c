import assert from 'node:assert/strict';
import { ServiceError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { ApiError } from '../../../src/api/errors';
import { toApiError } from '../../../src/api/middleware/errors';

describe('api: error mapping', () => {
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
    for (const [code, details] of [[14, 'UNAVAILABLE'], [4, 'DEADLINE_EXCEEDED'], [1, 'CANCELLED']] as const) {
      const mapped = toApiError(new ServiceError('Failed to start Workflow', { cause: grpc(code, details) }));
      assert.deepEqual([mapped.status, mapped.code], [503, 'SERVICE_UNAVAILABLE'], details);
    }
  });

  it('any other Temporal service error is a 500, not a 503 (retrying it would not help)', () => {
    for (const [code, details] of [[3, 'INVALID_ARGUMENT'], [7, 'PERMISSION_DENIED'], [13, 'INTERNAL']] as const) {
      const mapped = toApiError(new ServiceError('Failed to start Workflow', { cause: grpc(code, details) }));
      assert.deepEqual([mapped.status, mapped.code], [500, 'INTERNAL'], details);
    }
  });
});
