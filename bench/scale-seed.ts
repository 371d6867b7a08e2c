import type { Knex } from 'knex';

/**
 * The scale bench's data, straight into the real schema (every constraint, index and trigger of
 * the migrations in place) with one INSERT ... SELECT generate_series per table: no row crosses
 * the wire. The unit is a *block*, one slice of the business the size of the 1× database: 50
 * customers with 2 users each, 20 technicians, 1 admin, 2,000 repairs with their history, 20,000
 * notifications, 30,000 delivery logs (an email for each notification, an SMS for every other one)
 * and about 9,000 outbox messages. A database of size k holds blocks 0..k-1: the business grows by
 * adding customers, users and technicians, each with a history like the others', which is how a
 * fleet business grows. Block 0 holds the measured users (the demo accounts) and is the same rows
 * in every database, so a per-user route answers for the same rows at every size.
 *
 * Every value is a function of the row's index (a hash, so the runs are the same): statuses across
 * the lifecycle (open repairs are the recent ones), read/unread (old ones mostly read), log
 * statuses and channels, error codes, mixed-case addresses.
 */
export const BLOCK = {
  customers: 50,
  usersPerCustomer: 2,
  technicians: 20,
  repairs: 2_000,
  notifications: 20_000,
  emailLogs: 20_000,
  smsLogs: 10_000,
} as const;

export interface DemoIds {
  customerId: number;
  customerUserId: number;
  technicianId: number;
  technicianUserId: number;
  adminUserId: number;
}

// Id ranges well above the demo accounts' (1-10), one per kind of user, so ids follow from indexes.
const CUSTOMER_ID = 100_000;
const TECHNICIAN_ID = 100_000;
const CUSTOMER_USER_ID = 1_000_000;
const TECHNICIAN_USER_ID = 3_000_000;
const ADMIN_USER_ID = 4_000_000;

/** A deterministic pseudo-random whole number in [0, 2^32) from an index and a salt. */
const h = (expr: string, salt: number) => `(hashint8((${expr})::bigint * 64 + ${salt})::bigint + 2147483648)`;

const DAY_S = 86_400;

export async function seedBlocks(knex: Knex, from: number, to: number, demo: DemoIds): Promise<void> {
  const B = BLOCK;
  const customerId = (c: string) => `(case when ${c} = 0 then ${demo.customerId} else ${CUSTOMER_ID} + ${c} end)`;
  const customerUserId = (u: string) => `(case when ${u} = 0 then ${demo.customerUserId} else ${CUSTOMER_USER_ID} + ${u} end)`;
  const technicianId = (t: string) => `(case when ${t} = 0 then ${demo.technicianId} else ${TECHNICIAN_ID} + ${t} end)`;
  const adminUserId = (b: string) => `(case when ${b} = 0 then ${demo.adminUserId} else ${ADMIN_USER_ID} + ${b} end)`;
  const range = (per: number) => `generate_series(${from * per}, ${to * per - 1})`;

  await knex.transaction(async (trx) => {
    const run = (sql: string) => trx.raw(sql);
    // Customers, their users, technicians and one admin per block (index 0 of each is a demo account).
    await run(`insert into customers (id, name, email, phone)
      select ${CUSTOMER_ID} + c, 'Scale Fleet ' || c, 'fleet' || c || '@example.com', '+1555' || lpad(c::text, 7, '0')
      from ${range(B.customers)} c where c > 0`);
    await run(`insert into users (id, username, password_hash, role, email, phone)
      select ${CUSTOMER_USER_ID} + u, 'scale-c-' || u, 'x', 'customer',
        (case when u % 10 = 0 then 'Scale.C' else 'scale.c' end) || u || '@example.com', '+1556' || lpad(u::text, 7, '0')
      from ${range(B.customers * B.usersPerCustomer)} u where u > 0`);
    await run(`insert into customer_users (user_id, customer_id)
      select ${CUSTOMER_USER_ID} + u, ${customerId(`(u / ${B.usersPerCustomer})`)}
      from ${range(B.customers * B.usersPerCustomer)} u where u > 0`);
    await run(`insert into users (id, username, password_hash, role, email, phone)
      select ${TECHNICIAN_USER_ID} + t, 'scale-t-' || t, 'x', 'technician', 'scale.t' || t || '@example.com', '+1557' || lpad(t::text, 7, '0')
      from ${range(B.technicians)} t where t > 0`);
    await run(`insert into technicians (id, user_id, is_active)
      select ${TECHNICIAN_ID} + t, ${TECHNICIAN_USER_ID} + t, t % 25 <> 7 from ${range(B.technicians)} t where t > 0`);
    await run(`insert into users (id, username, password_hash, role, email)
      select ${ADMIN_USER_ID} + b, 'scale-a-' || b, 'x', 'admin', 'scale.a' || b || '@example.com'
      from generate_series(${from}, ${to - 1}) b where b > 0`);

    // Repairs: 3% REQUESTED, 4% PENDING, 2% APPROVED, 1% IN_PROGRESS (the open ones created in the
    // last two weeks), 10% DENIED, 80% COMPLETED over the year before.
    await run(`insert into repairs (id, customer_id, technician_id, unit_number, description, damage_type, status,
        estimated_cost, cost, discounted_cost, denial_reason, batch_id, workflow_id, created_by_user_id,
        created_at, updated_at, started_at, completed_at)
      select i + 1, ${customerId('c')},
        case when status = 'REQUESTED' and ${h('i', 3)} % 2 = 0 then null else ${technicianId('t')} end,
        'U-' || c || '-' || lpad((${h('i', 4)} % 40)::text, 2, '0'),
        (array['chip on the driver side', 'crack along the lower edge', 'star break near the wiper', 'bullseye, passenger side'])[1 + ${h('i', 5)} % 4]
          || ' (ref ' || i || ')',
        (array['chip', 'crack', 'star', 'bullseye'])[1 + ${h('i', 5)} % 4],
        status,
        case when status <> 'REQUESTED' then 90 end,
        case when status = 'COMPLETED' then 75 + 5 * (${h('i', 6)} % 4) end,
        case when status = 'COMPLETED' then (75 + 5 * (${h('i', 6)} % 4)) * (case when ${h('i', 7)} % 20 = 0 then 0.9 else 1 end) end,
        case when status = 'DENIED' then 'The fleet will replace this windshield instead' end,
        case when ${h('i', 8)} % 10 < 3 then 'lot-' || (i / 10) end,
        'scale-' || i, ${customerUserId(`(c * ${B.usersPerCustomer})`)},
        created, created + interval '3 days', case when status in ('IN_PROGRESS', 'COMPLETED') then created + interval '2 days' end,
        case when status = 'COMPLETED' then created + interval '3 days' end
      from (
        select i, c, t, status,
          case when status in ('REQUESTED', 'PENDING', 'APPROVED', 'IN_PROGRESS')
            then timestamptz '2026-11-17T00:00:00Z' + make_interval(secs => ${h('i', 9)} % (14 * ${DAY_S}))
            else timestamptz '2025-11-17T00:00:00Z' + make_interval(secs => (i % ${B.repairs}) * (365.0 * ${DAY_S} / ${B.repairs}) + ${h('i', 9)} % ${DAY_S})
          end as created
        from (
          select i, (i / ${B.repairs}) * ${B.customers} + ${h('i', 1)} % ${B.customers} as c,
            (i / ${B.repairs}) * ${B.technicians} + ${h('i', 2)} % ${B.technicians} as t,
            case when s < 3 then 'REQUESTED' when s < 7 then 'PENDING' when s < 9 then 'APPROVED' when s < 10 then 'IN_PROGRESS'
              when s < 20 then 'DENIED' else 'COMPLETED' end as status
          from (select i, ${h('i', 0)} % 100 as s from ${range(B.repairs)} i) x
        ) y
      ) z`);

    // The history each status implies: assign, submit, approve or deny, start, complete.
    await run(`insert into repair_history (repair_id, move_id, move, from_status, to_status, by_user_id, role, technician_id, reason, at)
      select r.id, 'scale-' || r.id || '-' || m.move, m.move, m.from_status, m.to_status,
        case when m.role = 'customer' then r.created_by_user_id end, m.role,
        case when m.move = 'assign' then r.technician_id end,
        case when m.move = 'deny' then r.denial_reason end,
        r.created_at + make_interval(hours => m.step)
      from repairs r
      join (values
        (1, 'assign', 'REQUESTED', 'REQUESTED', 'system', array['REQUESTED', 'PENDING', 'APPROVED', 'IN_PROGRESS', 'DENIED', 'COMPLETED']),
        (2, 'submit', 'REQUESTED', 'PENDING', 'technician', array['PENDING', 'APPROVED', 'IN_PROGRESS', 'DENIED', 'COMPLETED']),
        (3, 'approve', 'PENDING', 'APPROVED', 'customer', array['APPROVED', 'IN_PROGRESS', 'COMPLETED']),
        (3, 'deny', 'PENDING', 'DENIED', 'customer', array['DENIED']),
        (48, 'start', 'APPROVED', 'IN_PROGRESS', 'technician', array['IN_PROGRESS', 'COMPLETED']),
        (72, 'complete', 'IN_PROGRESS', 'COMPLETED', 'technician', array['COMPLETED'])
      ) as m(step, move, from_status, to_status, role, statuses)
        on r.status = any(m.statuses) and (m.move <> 'assign' or r.technician_id is not null)
      where r.id between ${from * B.repairs + 1} and ${to * B.repairs}`);

    // Ten notifications per repair: 40% to each of the customer's users, 15% to its technician
    // (else the customer), 5% to the block's admin. Old ones are mostly read.
    const emailStatus = (n: string) => logStatus(n, 10);
    const smsStatus = (n: string) => logStatus(n, 11);
    await run(`insert into notifications (id, user_id, repair_id, title, message, category, priority, action_url, channels,
        email_sent, sms_sent, is_read, read_at, created_at)
      select n + 1, recipient, repair_id, 'Repair ' || repair_id || ' ' || lower(status), 'Unit ' || unit_number || ': ' || status,
        cat, pri, '/repairs/' || repair_id,
        case when n % 2 = 0 then '["in_app", "email", "sms"]'::jsonb else '["in_app", "email"]'::jsonb end,
        ${emailStatus('n')} = 'sent', n % 2 = 0 and ${smsStatus('n')} = 'sent',
        was_read, case when was_read then at + interval '1 hour' end, at
      from (
        select n, repair_id, status, unit_number, at,
          case when k < 8 then ${customerUserId(`(cu * ${B.usersPerCustomer})`)}
               when k < 16 or (k < 19 and tech_user is null) then ${customerUserId(`(cu * ${B.usersPerCustomer} + 1)`)}
               when k < 19 then tech_user
               else ${adminUserId(`(n / ${B.notifications})`)} end as recipient,
          case when s < 55 then 'repair_status' when s < 70 then 'approval' when s < 85 then 'assignment' when s < 92 then 'reward'
               else 'system' end as cat,
          case when p < 5 then 'URGENT' when p < 30 then 'HIGH' when p < 70 then 'MEDIUM' else 'LOW' end as pri,
          case when at < timestamptz '2026-11-24T00:00:00Z' then ${h('n', 14)} % 100 < 95 else ${h('n', 14)} % 100 < 40 end as was_read
        from (
          select x.n, x.k, x.s, x.p, r.id as repair_id, r.status, r.unit_number, t.user_id as tech_user,
            r.created_at + make_interval(hours => (x.n % 10) * 7) as at,
            case when r.customer_id = ${demo.customerId} then 0 else r.customer_id - ${CUSTOMER_ID} end as cu
          from (
            select n, ${h('n', 12)} % 20 as k, ${h('n', 13)} % 100 as s, ${h('n', 15)} % 100 as p
            from ${range(B.notifications)} n
          ) x
          join repairs r on r.id = x.n / 10 + 1
          left join technicians t on t.id = r.technician_id
        ) w
      ) y`);

    // One email attempt per notification and an SMS attempt for every other one.
    const logs = (
      channel: 'email' | 'sms',
      per: number,
      base: number,
      nOf: string,
      address = channel === 'email' ? 'u.email' : 'u.phone',
    ) => `
      insert into delivery_logs (id, notification_id, channel, status, attempt, recipient, provider_message_id, error_code,
          error_message, cost_estimate, created_at, updated_at, feedback, feedback_at)
      select id, n + 1, '${channel}', status, 1, recipient,
        case when status = 'sent' then 'msg-' || id end,
        case when status = 'failed' then (array['Throttling', 'MessageRejected', 'OUTCOME_UNKNOWN', 'InvalidParameterValue'])[1 + ${h('n', 16)} % 4] end,
        case when status = 'failed' then 'the provider refused the message' end,
        ${channel === 'sms' ? `case when status = 'sent' then 0.00645 end` : 'null'},
        at, at, case when status = 'sent' and ${channel === 'email' ? 'true' : 'false'} then 'delivered' end,
        case when status = 'sent' and ${channel === 'email' ? 'true' : 'false'} then at + interval '1 minute' end
      from (
        select (j / ${per}) * ${B.emailLogs + B.smsLogs} + ${base} + j % ${per} + 1 as id, ${nOf} as n, no.created_at + interval '2 seconds' as at,
          case when ${address} is null then 'suppressed' else ${logStatus(nOf, channel === 'email' ? 10 : 11)} end as status,
          case when ${logStatus(nOf, channel === 'email' ? 10 : 11)} = 'suppressed' then null else ${address} end as recipient
        from ${range(per)} j
        join notifications no on no.id = ${nOf} + 1
        join users u on u.id = no.user_id
      ) x`;
    await run(logs('email', B.emailLogs, 0, `(j / ${B.emailLogs}) * ${B.notifications} + j % ${B.emailLogs}`));
    await run(logs('sms', B.smsLogs, B.emailLogs, `(j / ${B.smsLogs}) * ${B.notifications} + 2 * (j % ${B.smsLogs})`));

    // The local transport's copy of a third of the sent messages.
    await run(`insert into outbox_messages (notification_id, channel, "to", subject, body, sent_at)
      select l.notification_id, l.channel, l.recipient, case when l.channel = 'email' then 'Repair update' end,
        'Your repair has an update', l.created_at
      from delivery_logs l
      where l.id between ${from * (B.emailLogs + B.smsLogs) + 1} and ${to * (B.emailLogs + B.smsLogs)}
        and l.status = 'sent' and l.recipient is not null and l.notification_id % 3 = 0
      order by l.id`);
  });
}

/** 90% sent, 5% failed, 4.5% suppressed, 0.5% still pending. */
function logStatus(n: string, salt: number): string {
  const s = `(${h(n, salt)} % 1000)`;
  return `(case when ${s} < 900 then 'sent' when ${s} < 950 then 'failed' when ${s} < 995 then 'suppressed' else 'pending' end)`;
}

/** After explicit ids, the sequences continue past them; then fresh statistics, as autovacuum would leave a grown table. */
export async function finishSeed(knex: Knex): Promise<void> {
  for (const t of [
    'customers',
    'users',
    'customer_users',
    'technicians',
    'repairs',
    'repair_history',
    'notifications',
    'delivery_logs',
    'outbox_messages',
  ]) {
    await knex.raw(`select setval(pg_get_serial_sequence(?, 'id'), (select max(id) from ??))`, [t, t]);
  }
  await knex.raw('vacuum analyze');
}
