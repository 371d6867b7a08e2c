/**
 * The read routes portals and admins call, as the scale bench requests them. `perUser`: the answer
 * is scoped to the caller (their repairs, their notifications, their fleet), so it must not slow
 * down as the business around them grows (floor: p99 at 100× within 1.5× of 1×). Admin-wide views
 * answer for the whole business and are measured to see what they cost, not held to that floor.
 */
export type As = 'customer' | 'technician' | 'admin';

export interface Case {
  name: string;
  path: string;
  as: As;
  perUser: boolean;
}

/** Ids that are the same in every database (block 0 of the seed is identical at every size). */
export interface Samples {
  customerId: number;
  technicianId: number;
  adminUserId: number;
  customerUserId: number;
  /** A repair of the demo customer (with history, notifications, logs). */
  repairId: number;
  notificationId: number;
  recipient: string;
  batchId: string;
}

const at = (iso: string) => encodeURIComponent(iso);

export function scaleCases(s: Samples): Case[] {
  const own = (name: string, path: string, as: As): Case => ({ name, path, as, perUser: true });
  const all = (name: string, path: string, as: As = 'admin'): Case => ({ name, path, as, perUser: false });
  const month = `createdFrom=${at('2026-06-01T00:00:00Z')}&createdTo=${at('2026-07-01T00:00:00Z')}`;
  const week = `createdFrom=${at('2026-06-01T00:00:00Z')}&createdTo=${at('2026-06-08T00:00:00Z')}`;
  const logWeek = `from=${at('2026-06-01T00:00:00Z')}&to=${at('2026-06-08T00:00:00Z')}`;
  return [
    own('repairs: customer', '/repairs', 'customer'),
    own('repairs: customer status=PENDING', '/repairs?status=PENDING', 'customer'),
    own('repairs: customer q=U-', '/repairs?q=U-', 'customer'),
    own('repairs: customer a month, sort=-createdAt', `/repairs?${month}&sort=-createdAt`, 'customer'),
    own('repairs: customer page 2', '/repairs?page=2', 'customer'),
    own('repairs: technician (REQUESTED + own)', '/repairs', 'technician'),
    own('repairs: technician status=PENDING', '/repairs?status=PENDING', 'technician'),
    own('repairs: technician technicianId=own', `/repairs?technicianId=${s.technicianId}`, 'technician'),
    all('repairs: admin', '/repairs'),
    all('repairs: admin status=PENDING', '/repairs?status=PENDING'),
    all('repairs: admin customerId', `/repairs?customerId=${s.customerId}`),
    all('repairs: admin technicianId', `/repairs?technicianId=${s.technicianId}`),
    all('repairs: admin batchId', `/repairs?batchId=${s.batchId}`),
    all('repairs: admin a week', `/repairs?${week}`),
    all('repairs: admin q=a rare word', `/repairs?q=${encodeURIComponent('(ref 1234)')}`),
    all('repairs: admin sort=unitNumber', '/repairs?sort=unitNumber'),
    own('repair detail: customer', `/repairs/${s.repairId}`, 'customer'),
    own('repair history: customer', `/repairs/${s.repairId}/history`, 'customer'),
    all('repair detail: admin', `/repairs/${s.repairId}`),
    own('notifications: customer', '/notifications', 'customer'),
    own('notifications: customer isRead=false', '/notifications?isRead=false', 'customer'),
    own('notifications: customer isRead=true', '/notifications?isRead=true', 'customer'),
    own('notifications: customer category=approval', '/notifications?category=approval', 'customer'),
    own('notifications: customer priority=HIGH', '/notifications?priority=HIGH', 'customer'),
    own('notifications: customer repairId', `/notifications?repairId=${s.repairId}`, 'customer'),
    own('notifications: customer page 3', '/notifications?page=3', 'customer'),
    own('notifications/unread: customer', '/notifications/unread', 'customer'),
    own('notifications/unread-count: customer', '/notifications/unread-count', 'customer'),
    own('notifications: technician', '/notifications', 'technician'),
    own('notifications/unread-count: technician', '/notifications/unread-count', 'technician'),
    own('notifications: admin (own)', '/notifications', 'admin'),
    own('notifications/unread-count: admin', '/notifications/unread-count', 'admin'),
    all('admin/notifications/stats', '/admin/notifications/stats'),
    all('admin/notifications', '/admin/notifications'),
    all('admin/notifications userId', `/admin/notifications?userId=${s.customerUserId}`),
    all('admin/notifications repairId', `/admin/notifications?repairId=${s.repairId}`),
    all('admin/notifications category=reward', '/admin/notifications?category=reward'),
    all('admin/notifications priority=URGENT', '/admin/notifications?priority=URGENT'),
    all('admin/notifications a week', `/admin/notifications?${logWeek}`),
    all('admin/delivery-logs', '/admin/delivery-logs'),
    all('admin/delivery-logs status=failed', '/admin/delivery-logs?status=failed'),
    all('admin/delivery-logs channel=sms', '/admin/delivery-logs?channel=sms'),
    all('admin/delivery-logs recipient', `/admin/delivery-logs?recipient=${encodeURIComponent(s.recipient)}`),
    all('admin/delivery-logs userId', `/admin/delivery-logs?userId=${s.customerUserId}`),
    all('admin/delivery-logs notificationId', `/admin/delivery-logs?notificationId=${s.notificationId}`),
    all('admin/delivery-logs errorCode', '/admin/delivery-logs?errorCode=Throttling'),
    all('admin/delivery-logs a week', `/admin/delivery-logs?${logWeek}`),
    all('admin/outbox', '/admin/outbox'),
    all('admin/outbox channel=sms', '/admin/outbox?channel=sms'),
    all('admin/outbox to', `/admin/outbox?to=${encodeURIComponent(s.recipient)}`),
    all('admin/outbox notificationId', `/admin/outbox?notificationId=${s.notificationId}`),
    all('technicians (activeRepairs): admin', '/technicians'),
    all('technicians (activeRepairs): technician', '/technicians', 'technician'),
    own('fleet summary: customer', `/customers/${s.customerId}/summary`, 'customer'),
    all('fleet summary: admin', `/customers/${s.customerId}/summary`),
  ];
}
