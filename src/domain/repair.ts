export const REPAIR_STATUSES = ['REQUESTED', 'PENDING', 'APPROVED', 'IN_PROGRESS', 'COMPLETED', 'DENIED'] as const;
export type RepairStatus = (typeof REPAIR_STATUSES)[number];

/** Statuses that count towards a technician's load. */
export const ACTIVE_STATUSES: readonly RepairStatus[] = ['REQUESTED', 'PENDING', 'APPROVED', 'IN_PROGRESS'];

export const isActiveStatus = (status: RepairStatus): boolean => ACTIVE_STATUSES.includes(status);

export interface Viewer {
  role: 'customer' | 'technician' | 'admin';
  customerId: number | null;
  technicianId: number | null;
}

/** Customers see their own customer's repairs; technicians every REQUESTED one plus their own; admins all. */
export function canSeeRepair(viewer: Viewer, repair: { customerId: number; technicianId: number | null; status: RepairStatus }): boolean {
  switch (viewer.role) {
    case 'admin':
      return true;
    case 'customer':
      return viewer.customerId !== null && repair.customerId === viewer.customerId;
    case 'technician':
      return repair.status === 'REQUESTED' || (viewer.technicianId !== null && repair.technicianId === viewer.technicianId);
  }
}

/** A customer's request starts REQUESTED; one found in the field by staff starts PENDING (needs approval). */
export const initialStatus = (role: Viewer['role']): 'REQUESTED' | 'PENDING' => (role === 'customer' ? 'REQUESTED' : 'PENDING');

/** A repair as the outside world sees it (API responses, update results): JSON-safe. */
export interface RepairRecord {
  id: number;
  customerId: number;
  technicianId: number | null;
  unitNumber: string;
  description: string;
  damageType: string | null;
  status: RepairStatus;
  estimatedCost: number | null;
  cost: number | null;
  discountedCost: number | null;
  denialReason: string | null;
  batchId: string | null;
  workflowId: string;
  /** Set by the start and complete moves. */
  startedAt: string | null;
  completedAt: string | null;
  completionNotes: string | null;
  createdAt: string;
  updatedAt: string;
}
