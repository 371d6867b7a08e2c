import { parseArgs } from 'node:util';
import { inLanes } from './driver';
import { median, startStack, type Stack } from './support';

/**
 * Notifications created and delivered per minute through the local transport, on the real
 * embedded stack: N repair lifecycles with C in flight at a time, for a fleet customer with U
 * users (each with email and phone). A lifecycle tells the customer's users three times and the
 * technician twice: 3U + 2 notifications and 3U + 3 email/SMS deliveries. Three runs; prints
 * each run and the medians.
 *   npm run bench:notifications -- [--lifecycles 60] [--concurrency 10] [--users 10] [--runs 3]
 */
const { values: flags } = parseArgs({
  options: {
    lifecycles: { type: 'string', default: '60' },
    users: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '10' },
    runs: { type: 'string', default: '3' },
  },
});
const positive = (name: keyof typeof flags) => {
  const v = Number(flags[name]);
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} needs a positive whole number`);
  return v;
};
const LIFECYCLES = positive('lifecycles');
const USERS = positive('users');
const CONCURRENCY = positive('concurrency');
const RUNS = positive('runs');
const SEED_TARGET_PER_MINUTE = 1000;

async function counts(stack: Stack) {
  const [n] = await stack.db.knex('notifications').count<{ count: number }[]>('* as count');
  const [o] = await stack.db.knex('outbox_messages').count<{ count: number }[]>('* as count');
  const [p] = await stack.db.knex('delivery_logs').where('status', 'pending').count<{ count: number }[]>('* as count');
  return { notifications: Number(n?.count), delivered: Number(o?.count), pending: Number(p?.count) };
}

async function oneRun(run: number) {
  // Emails at the default SES rate (14/s) would cap deliveries; this measures our system, not the quota.
  const stack = await startStack({ SES_RATE_PER_SECOND: '1000' });
  try {
    const { driver } = stack;
    const { techs } = await driver.demoTokens();
    const admin = (await driver.login('demoadmin')).token;
    const fleet = await driver.ok<{ id: number }>('POST', '/customers', admin, { name: 'Bench Fleet' });
    for (let u = 0; u < USERS; u++) {
      await driver.ok('POST', '/users', admin, {
        username: `fleet-user-${u}`,
        password: 'bench-password',
        role: 'customer',
        customerId: fleet.id,
        email: `fleet-user-${u}@example.com`,
        phone: `+1555010${String(u).padStart(4, '0')}`,
      });
    }
    const customer = (await driver.login('fleet-user-0', 'bench-password')).token;
    const expected = { notifications: LIFECYCLES * (3 * USERS + 2), delivered: LIFECYCLES * (3 * USERS + 3) };
    const t0 = performance.now();
    await inLanes(LIFECYCLES, CONCURRENCY, async (i) => {
      await driver.lifecycle({ customer, techs, unitNumber: `N-${run}-${i % 11}`, description: 'bench' });
    });
    let c = await counts(stack);
    while (c.delivered < expected.delivered || c.notifications < expected.notifications) {
      if (performance.now() - t0 > 600_000) throw new Error(`stalled: ${JSON.stringify(c)} of ${JSON.stringify(expected)}`);
      await new Promise((r) => setTimeout(r, 50));
      c = await counts(stack);
    }
    const minutes = (performance.now() - t0) / 60_000;
    const result = {
      seconds: minutes * 60,
      notifications: c.notifications,
      delivered: c.delivered,
      pendingLogs: c.pending,
      createdPerMinute: c.notifications / minutes,
      deliveredPerMinute: c.delivered / minutes,
    };
    if (c.notifications !== expected.notifications || c.delivered !== expected.delivered) {
      throw new Error(`expected ${JSON.stringify(expected)}, found ${JSON.stringify(c)}`);
    }
    return result;
  } finally {
    await stack.stop();
  }
}

async function main() {
  const results = [];
  for (let run = 1; run <= RUNS; run++) {
    const r = await oneRun(run);
    results.push(r);
    console.log(
      `run ${run}: ${r.notifications} notifications, ${r.delivered} deliveries in ${r.seconds.toFixed(1)} s → ` +
        `${r.createdPerMinute.toFixed(0)} created/min, ${r.deliveredPerMinute.toFixed(0)} delivered/min (pending logs: ${r.pendingLogs})`,
    );
  }
  const created = median(results.map((r) => r.createdPerMinute));
  const delivered = median(results.map((r) => r.deliveredPerMinute));
  console.log(
    `median of ${RUNS}: ${created.toFixed(0)} notifications created/min, ${delivered.toFixed(0)} delivered/min ` +
      `(${LIFECYCLES} lifecycles, ${CONCURRENCY} at a time, ${USERS} users per customer, local transport); ` +
      `seed target ${SEED_TARGET_PER_MINUTE}/min → ×${(delivered / SEED_TARGET_PER_MINUTE).toFixed(2)}`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
