import assert from 'node:assert/strict';
import { ActivityFailure, ApplicationFailure, RetryState } from '@temporalio/common';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { businessFailure, FAILURE } from '../../src/domain/failures';
import { parseSignalMove } from '../../src/domain/signals';

describe('domain: business failures in a cause chain', () => {
  const refused = ApplicationFailure.nonRetryable('repair 7 is APPROVED, expected PENDING', FAILURE.INVALID_TRANSITION);

  it('finds the failure at the top, or under an activity failure inside a failed update', () => {
    const activity = new ActivityFailure('activity failed', 'recordMove', '3', RetryState.NON_RETRYABLE_FAILURE, 'worker', refused);
    const update = new WorkflowUpdateFailedError('update failed', activity);
    for (const err of [refused, activity, update]) {
      assert.deepEqual(businessFailure(err), { type: 'INVALID_TRANSITION', message: refused.message });
    }
  });

  it('finds nothing in an infrastructure failure, a foreign type, a non-error, or a cycle', () => {
    assert.equal(businessFailure(ApplicationFailure.retryable('socket hang up', 'ECONNRESET')), undefined);
    assert.equal(businessFailure({ type: FAILURE.INVALID_TRANSITION, message: 'not an Error' }), undefined);
    assert.equal(businessFailure(undefined), undefined);
    const a = new Error('a') as Error & { cause?: unknown };
    const b = new Error('b', { cause: a });
    a.cause = b;
    assert.equal(businessFailure(b), undefined);
  });
});

describe('domain: signal input', () => {
  it('takes an empty or well-formed input', () => {
    assert.deepEqual(parseSignalMove('approve', undefined), { byUserId: null });
    assert.deepEqual(parseSignalMove('approve', { byUserId: 3 }), { byUserId: 3 });
    assert.deepEqual(parseSignalMove('deny', { reason: '  Vehicle sold last week ' }), {
      byUserId: null,
      reason: 'Vehicle sold last week',
    });
  });

  it('refuses what the API would refuse, naming the problem', () => {
    const cases: Array<[Parameters<typeof parseSignalMove>[0], unknown, RegExp]> = [
      ['approve', 'yes', /object/],
      ['approve', [1], /object/],
      ['approve', { byUserId: 'admin' }, /byUserId/],
      ['approve', { byUserId: 1.5 }, /byUserId/],
      ['approve', { byUserId: -1 }, /byUserId/],
      ['deny', {}, /at least 10/],
      ['deny', { reason: '   short   ' }, /at least 10/],
      ['deny', { reason: 42 }, /string/],
      ['deny', { reason: 'x'.repeat(2001) }, /at most 2000/],
    ];
    for (const [move, input, problem] of cases) {
      const parsed = parseSignalMove(move, input);
      assert.ok('problem' in parsed, JSON.stringify(input));
      assert.match(parsed.problem, problem);
    }
  });
});
