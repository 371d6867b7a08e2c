import type { Harness } from '../support/harness';
import { eventually } from '../support/eventually';

export interface OutboxMessage {
  channel: 'email' | 'sms';
  to: string;
  subject: string | null;
  body: string;
  notificationId: number | null;
}

/** The messages sent to `to` (newest first), once there are at least `count`, read as an admin reads them. */
export function outbox(h: () => Harness, adminToken: () => string) {
  const read = async (to: string, channel: 'email' | 'sms'): Promise<OutboxMessage[]> => {
    const res = await h().request('GET', `/api/admin/outbox?to=${encodeURIComponent(to)}&channel=${channel}&pageSize=100`, {
      token: adminToken(),
    });
    if (res.status !== 200) throw new Error(`outbox: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.items as OutboxMessage[];
  };
  return {
    read,
    async waitFor(to: string, channel: 'email' | 'sms', count = 1): Promise<OutboxMessage[]> {
      return eventually(async () => {
        const items = await read(to, channel);
        return items.length >= count ? items : undefined;
      }, `${count} ${channel} message(s) to ${to}`);
    },
  };
}

export function resetTokenIn(body: string): string {
  const m = /\/reset-password\?token=([A-Za-z0-9_-]+)/.exec(body);
  if (!m) throw new Error(`no reset link in: ${body}`);
  return m[1]!;
}

export function codeIn(body: string): string {
  const m = /\b(\d{6})\b/.exec(body);
  if (!m) throw new Error(`no code in: ${body}`);
  return m[1]!;
}

const hhmm = (d: Date) => d.toISOString().slice(11, 16);

/** Preferences that would hold back any message that is not transactional: every switch off, inside quiet hours. */
export function everythingOff() {
  const now = Date.now();
  return {
    emailEnabled: false,
    smsEnabled: false,
    categories: { repair_status: false, assignment: false, approval: false, reward: false, system: false },
    quietHours: { enabled: true, start: hhmm(new Date(now - 3_600_000)), end: hhmm(new Date(now + 3_600_000)), timezone: 'UTC' },
    digestEnabled: false,
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
