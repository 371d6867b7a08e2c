export interface TechnicianLoad {
  technicianId: number;
  activeRepairs: number;
  isActive: boolean;
}

/**
 * Load balancing: the active technician with the fewest active repairs, ties broken by the
 * lowest id. Returns null when nobody is active (the repair then waits; it never fails).
 */
export function chooseTechnician(loads: readonly TechnicianLoad[]): number | null {
  let best: TechnicianLoad | null = null;
  for (const t of loads) {
    if (!t.isActive) continue;
    if (
      best === null ||
      t.activeRepairs < best.activeRepairs ||
      (t.activeRepairs === best.activeRepairs && t.technicianId < best.technicianId)
    ) {
      best = t;
    }
  }
  return best?.technicianId ?? null;
}
