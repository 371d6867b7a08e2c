import fc from 'fast-check';
import { MOVES, type Move } from '../../src/domain/lifecycle';

/**
 * Random schedules of moves that meet on repairs: what portals, the Temporal UI and a flaky
 * worker do to a repair all day. Pure data; run-schedule.ts carries them out.
 */

/** The people who act: two users of the repair's customer, a stranger, both technicians, an admin. */
export const ACTORS = ['owner', 'coOwner', 'stranger', 'tech1', 'tech2', 'admin'] as const;
export type Actor = (typeof ACTORS)[number];

export type Action =
  | { kind: 'api'; move: Move; actor: Actor; technician?: 'tech1' | 'tech2' }
  /** An admin's signal from the Temporal UI; `valid: false` sends input the workflow must refuse. */
  | { kind: 'signal'; move: 'approve' | 'deny'; valid: boolean };

export interface Wave {
  /** Sent at the same moment. */
  actions: Action[];
  /** The first activity of each of this wave's moves commits, then fails (a lost reply); Temporal retries it. */
  failAfterCommit: boolean;
}

export interface RepairSchedule {
  /** A customer's request (REQUESTED, auto-assigned) or an admin's field find (PENDING, assigned). */
  origin: 'request' | 'field';
  fieldTechnician: 'tech1' | 'tech2';
  /** The auto-assignment's activity commits, then fails, once. */
  failAssignment: boolean;
  waves: Wave[];
}

export interface RunSchedule {
  repairs: RepairSchedule[];
  /** Restart the worker this long (ms) after the run starts, while moves are in flight. */
  restartWorkerAt: number | null;
}

const tech = fc.constantFrom('tech1' as const, 'tech2' as const);

/** Who may make each move (most of the time the one who does), so moves take effect and race. */
const RIGHTFUL: Record<Move, readonly Actor[]> = {
  submit: ['tech1', 'tech2', 'admin'],
  start: ['tech1', 'tech2', 'admin'],
  complete: ['tech1', 'tech2', 'admin'],
  approve: ['owner', 'coOwner', 'admin'],
  deny: ['owner', 'coOwner', 'admin'],
  assign: ['admin'],
};

const apiAction = (move: fc.Arbitrary<Move>) =>
  move.chain((m) =>
    fc.record({
      kind: fc.constant('api' as const),
      move: fc.constant(m),
      actor: fc.oneof({ arbitrary: fc.constantFrom(...RIGHTFUL[m]), weight: 4 }, { arbitrary: fc.constantFrom(...ACTORS), weight: 1 }),
      technician: tech,
    }),
  );

/**
 * Wave i mostly sends the moves of the lifecycle's i-th step (several of them at once, from
 * several people), so schedules get far and the moves that race are the ones that conflict; any
 * move may still come at any time.
 */
const FOCUS: readonly (readonly Move[])[] = [['submit', 'assign'], ['approve', 'deny'], ['start'], ['complete']];

const actionArb = (focus: readonly Move[]): fc.Arbitrary<Action> =>
  fc.oneof(
    { arbitrary: apiAction(fc.constantFrom(...focus)), weight: 5 },
    { arbitrary: apiAction(fc.constantFrom(...MOVES)), weight: 2 },
    {
      arbitrary: fc.record({
        kind: fc.constant('signal' as const),
        move: fc.constantFrom('approve' as const, 'deny' as const),
        valid: fc.boolean(),
      }),
      weight: 1,
    },
  );

const waveArb = (focus: readonly Move[]): fc.Arbitrary<Wave> =>
  fc.record({
    actions: fc.array(actionArb(focus), { minLength: 1, maxLength: 4 }),
    failAfterCommit: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
  });

export const repairScheduleArb: fc.Arbitrary<RepairSchedule> = fc.record({
  origin: fc.constantFrom('request' as const, 'field' as const),
  fieldTechnician: tech,
  failAssignment: fc.boolean(),
  waves: fc.integer({ min: 1, max: 6 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => waveArb(FOCUS[i] ?? MOVES)))),
});

export const runScheduleArb = (repairs: number): fc.Arbitrary<RunSchedule> =>
  fc.record({
    repairs: fc.array(repairScheduleArb, { minLength: repairs, maxLength: repairs }),
    restartWorkerAt: fc.option(fc.integer({ min: 0, max: 1500 }), { freq: 4 }),
  });
