import assert from 'node:assert/strict';
import { WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
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
});
