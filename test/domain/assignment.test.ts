import assert from 'node:assert/strict';
import { chooseTechnician, type TechnicianLoad } from '../../src/domain/assignment';

const t = (technicianId: number, activeRepairs: number, isActive = true): TechnicianLoad => ({
  technicianId,
  activeRepairs,
  isActive,
});

describe('domain/assignment: chooseTechnician', () => {
  it('picks the technician with the fewest active repairs', () => {
    assert.equal(chooseTechnician([t(1, 3), t(2, 1), t(3, 2)]), 2);
  });

  it('breaks ties by the lowest technician id, whatever the input order', () => {
    assert.equal(chooseTechnician([t(7, 1), t(3, 1), t(5, 1)]), 3);
    assert.equal(chooseTechnician([t(3, 1), t(7, 1)]), 3);
  });

  it('skips inactive technicians even when they are idle', () => {
    assert.equal(chooseTechnician([t(1, 0, false), t(2, 4)]), 2);
  });

  it('returns null when nobody is active', () => {
    assert.equal(chooseTechnician([]), null);
    assert.equal(chooseTechnician([t(1, 0, false)]), null);
  });

  it('spreads a sequence of requests evenly (greedy, lowest id first)', () => {
    const loads = [t(1, 0), t(2, 0), t(3, 0)];
    const picks: number[] = [];
    for (let i = 0; i < 7; i++) {
      const id = chooseTechnician(loads) as number;
      picks.push(id);
      (loads.find((l) => l.technicianId === id) as TechnicianLoad).activeRepairs++;
    }
    assert.deepEqual(picks, [1, 2, 3, 1, 2, 3, 1]);
  });
});
