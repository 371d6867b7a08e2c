import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Knex } from 'knex';
import { visibleRepairs, repairListQuery } from '../src/api/repairs/list-query';
import type { AuthUser } from '../src/api/context';
import { seedFleet, type FleetSeed } from './fleet-seed';
import { percentile, startStack, type Stack } from './support';

/**
 * The fleet views on the real main command with a seeded fleet (default 20,000 repairs over 50
 * customers): p50/p95 of GET /api/repairs with each filter and of the customer summary, the plan
 * PostgreSQL picks for each filter (which index), and the CSV export of every row: rows/s and
 * how much the API process's resident memory grows while it streams them.
 *   npm run bench:fleet -- [--repairs 20000] [--customers 50] [--requests 40]
 */
const { values: flags } = parseArgs({
  options: {
    repairs: { type: 'string', default: '20000' },
    customers: { type: 'string', default: '50' },
    requests: { type: 'string', default: '40' },
  },
});
const positive = (name: keyof typeof flags) => {
  const v = Number(flags[name]);
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} needs a positive whole number`);
  return v;
};
const REPAIRS = positive('repairs');
const CUSTOMERS = positive('customers');
const REQUESTS = positive('requests');

interface Case {
  name: string;
  query: string;
  as: 'admin' | 'customer' | 'technician';
}

function cases(seed: FleetSeed): Case[] {
  const day = (d: string) => encodeURIComponent(new Date(d).toISOString());
  return [
    { name: 'admin, no filter', query: '', as: 'admin' },
    { name: 'customerId', query: `customerId=${seed.customerIds[7]}`, as: 'admin' },
    { name: 'customerId, sort=-createdAt', query: `customerId=${seed.customerIds[7]}&sort=-createdAt`, as: 'admin' },
    { name: 'technicianId', query: `technicianId=${seed.technicianIds[3]}`, as: 'admin' },
    {
      name: 'technicianId, createdFrom/To (a month)',
      query: `technicianId=${seed.technicianIds[3]}&createdFrom=${day('2026-03-01')}&createdTo=${day('2026-04-01')}`,
      as: 'admin',
    },
    {
      name: 'customerId, createdFrom/To (a month)',
      query: `customerId=${seed.customerIds[7]}&createdFrom=${day('2026-03-01')}&createdTo=${day('2026-04-01')}`,
      as: 'admin',
    },
    { name: 'batchId', query: `batchId=${seed.sampleBatch}`, as: 'admin' },
    { name: 'createdFrom/To (one week)', query: `createdFrom=${day('2026-06-01')}&createdTo=${day('2026-06-08')}`, as: 'admin' },
    { name: 'q = part of a unit number', query: `q=${encodeURIComponent(seed.sampleUnit.slice(2))}`, as: 'admin' },
    { name: 'q = a rare word', query: `q=${encodeURIComponent(seed.rareWord)}`, as: 'admin' },
    { name: 'sort=unitNumber', query: 'sort=unitNumber', as: 'admin' },
    { name: 'customer (own fleet)', query: '', as: 'customer' },
    { name: 'customer, q and createdFrom', query: `q=U-&createdFrom=${day('2026-09-01')}`, as: 'customer' },
    { name: 'technician (REQUESTED + own)', query: '', as: 'technician' },
  ];
}

/** The index names in a plan (EXPLAIN's JSON), or the scan it does without one. */
function scans(plan: Record<string, unknown>): string[] {
  const node = plan['Node Type'] as string;
  const here = plan['Index Name'] ? [`${node} ${plan['Index Name'] as string}`] : /Seq Scan/.test(node) ? [node] : [];
  return [...here, ...((plan.Plans as Record<string, unknown>[] | undefined) ?? []).flatMap(scans)];
}

async function explain(stack: Stack, user: AuthUser, query: string): Promise<string> {
  const filters = repairListQuery.parse(Object.fromEntries(new URLSearchParams(query)));
  const Repair = stack.db.models.Repair;
  const page = visibleRepairs(Repair.query(), user, filters).limit(filters.pageSize).toKnexQuery().toSQL();
  const count = visibleRepairs(Repair.query(), user, filters).clearOrder().count('* as n').toKnexQuery().toSQL();
  const planOf = async (q: { sql: string; bindings: readonly Knex.Value[] }) => {
    const res = await stack.db.knex.raw<{ rows: { 'QUERY PLAN': { Plan: Record<string, unknown> }[] }[] }>(
      `explain (format json) ${q.sql}`,
      q.bindings,
    );
    return [...new Set(scans(res.rows[0]!['QUERY PLAN'][0]!.Plan))].join(' + ');
  };
  return `page: ${await planOf(page)}; count: ${await planOf(count)}`;
}

async function latencies(stack: Stack, path: string, token: string): Promise<{ p50: number; p95: number }> {
  const ms: number[] = [];
  for (let i = 0; i < REQUESTS + 5; i++) {
    const t0 = performance.now();
    const res = await stack.driver.raw('GET', path, token);
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    if (i >= 5) ms.push(performance.now() - t0); // the first five warm the caches and the pool
  }
  return { p50: percentile(ms, 50), p95: percentile(ms, 95) };
}

const rssKb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);

/** Every row as CSV, read as fast as this client can, sampling the API process's RSS meanwhile. */
async function exportAll(stack: Stack, token: string) {
  const before = rssKb(stack.pid);
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssKb(stack.pid))), 5);
  const t0 = performance.now();
  const res = await fetch(`${stack.url}/api/repairs.csv`, { headers: { authorization: `Bearer ${token}` } });
  let lines = 0;
  let bytes = 0;
  const decoder = new TextDecoder();
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    lines += decoder.decode(chunk, { stream: true }).split('\n').length - 1;
  }
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, rssKb(stack.pid));
  return { rows: lines - 1, seconds, bytes, beforeMb: before / 1024, deltaMb: (peak - before) / 1024 };
}

async function main() {
  const stack = await startStack();
  try {
    const admin = await stack.login('demoadmin');
    const customer = await stack.driver.login<{ id: number; customerId: number }>('democustomer');
    const tech = await stack.driver.login<{ id: number; technicianId: number }>('tech1');
    const t0 = performance.now();
    const seed = await seedFleet(stack.db.knex, {
      repairs: REPAIRS,
      customers: CUSTOMERS,
      demoCustomerId: customer.user.customerId,
      createdBy: admin.user.id,
    });
    console.log(`seeded ${seed.repairs} repairs over ${CUSTOMERS} customers in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const tokens = { admin: admin.token, customer: customer.token, technician: tech.token };
    const users: Record<Case['as'], AuthUser> = {
      admin: { id: admin.user.id, username: 'demoadmin', role: 'admin', customerId: null, technicianId: null, sessionVersion: 0 },
      customer: { ...customer.user, username: 'democustomer', role: 'customer', technicianId: null, sessionVersion: 0 },
      technician: { ...tech.user, username: 'tech1', role: 'technician', customerId: null, sessionVersion: 0 },
    };
    console.log(`\nGET /api/repairs (pageSize 20), ${REQUESTS} requests each, one at a time:`);
    for (const c of cases(seed)) {
      const { p50, p95 } = await latencies(stack, `/repairs?${c.query}`, tokens[c.as]);
      console.log(`  ${c.name.padEnd(40)} p50 ${p50.toFixed(1).padStart(6)} ms  p95 ${p95.toFixed(1).padStart(6)} ms`);
      console.log(`    ${await explain(stack, users[c.as], c.query)}`);
    }
    for (const [name, id, token] of [
      ['demo customer', seed.demoCustomerId, customer.token],
      ['another fleet (admin)', seed.customerIds[7]!, admin.token],
    ] as const) {
      const { p50, p95 } = await latencies(stack, `/customers/${id}/summary`, token);
      console.log(`GET /api/customers/:id/summary, ${name}: p50 ${p50.toFixed(1)} ms  p95 ${p95.toFixed(1)} ms`);
    }
    for (let run = 1; run <= 3; run++) {
      const r = await exportAll(stack, admin.token);
      if (r.rows !== seed.repairs) throw new Error(`the CSV had ${r.rows} rows of ${seed.repairs}`);
      console.log(
        `GET /api/repairs.csv run ${run}: ${r.rows} rows (${(r.bytes / 1e6).toFixed(1)} MB) in ${r.seconds.toFixed(2)} s → ` +
          `${Math.round(r.rows / r.seconds)} rows/s; API RSS ${r.beforeMb.toFixed(0)} MB, +${r.deltaMb.toFixed(1)} MB at its peak`,
      );
    }
  } finally {
    await stack.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
