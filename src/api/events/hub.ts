import type { Knex } from 'knex';
import type pg from 'pg';
import type { Db } from '../../db';
import { LIVE_EVENTS_CHANNEL, LIVE_EVENT_COLUMNS, type LiveEventRow } from '../../db/queries/live-events';
import type { Logger } from '../../logger';
import type { Role } from '../../domain/roles';

/** What deciding visibility needs of the caller (the StreamUser, without importing the API's context). */
export interface StreamUser {
  id: number;
  role: Role;
  customerId: number | null;
  technicianId: number | null;
}

/** One open stream, as the hub sees it: whom it is for and where its events go. */
export interface LiveSubscriber {
  user: StreamUser;
  send(row: LiveEventRow): void;
  /** Ends the stream (the process is shutting down). */
  end(): void;
}

export interface EventHub {
  subscribe(s: LiveSubscriber): () => void;
  /** The caller's stored events after `afterId`, oldest first (what a reconnecting client missed). */
  replay(user: StreamUser, afterId: number): Promise<LiveEventRow[]>;
  readonly streams: number;
  close(): Promise<void>;
}

/** Who may see an event: its user only, or for a repair whoever GET /api/repairs/:id would show it to. */
export function mayReceive(user: StreamUser, e: LiveEventRow): boolean {
  if (e.userId !== null) return e.userId === user.id;
  if (e.type !== 'repair') return false;
  switch (user.role) {
    case 'admin':
      return true;
    case 'customer':
      return user.customerId !== null && e.customerId === user.customerId;
    case 'technician':
      if (e.status === 'REQUESTED') return true;
      return user.technicianId !== null && (e.technicianId === user.technicianId || e.previousTechnicianId === user.technicianId);
  }
}

/** The same rule as `mayReceive`, as SQL, so a replay reads only the caller's rows. */
function visibleTo(q: Knex.QueryBuilder, user: StreamUser): Knex.QueryBuilder {
  return q.where((w) => {
    w.where('userId', user.id);
    if (user.role === 'admin') w.orWhere('type', 'repair');
    else if (user.role === 'customer' && user.customerId !== null) w.orWhere({ type: 'repair', customerId: user.customerId });
    else if (user.role === 'technician') {
      w.orWhere((r) => {
        r.where('type', 'repair').andWhere((v) => {
          v.where('status', 'REQUESTED');
          if (user.technicianId !== null) v.orWhere('technicianId', user.technicianId).orWhere('previousTechnicianId', user.technicianId);
        });
      });
    }
  });
}

const REPLAY_PAGE = 500;
const REPLAY_MAX = 10_000;
const RECONNECT_MS = 1_000;
const PRUNE_EVERY_MS = 60 * 60_000;

/**
 * The process's one LISTEN session, fanned out to its open streams. NOTIFY carries only ids;
 * the rows are read in batches, so a burst of events costs one query per process, not per stream.
 */
export async function startEventHub(db: Db, logger: Logger, opts: { retentionMs: number }): Promise<EventHub> {
  const subscribers = new Set<LiveSubscriber>();
  const client = db.knex.client as Knex.Client;
  let session: pg.Client | null = null;
  let closed = false;
  let highest = Number((await db.knex('live_events').max({ m: 'id' }).first<{ m: number | null }>())?.m ?? 0);
  let pending = new Set<number>();
  let flushing: Promise<void> | null = null;

  const deliver = (rows: LiveEventRow[]) => {
    for (const row of rows) {
      highest = Math.max(highest, row.id);
      for (const s of subscribers) if (mayReceive(s.user, row)) s.send(row);
    }
  };

  const select = () => db.knex('live_events').select(...LIVE_EVENT_COLUMNS);

  const flush = async () => {
    while (pending.size > 0) {
      const ids = [...pending];
      pending = new Set();
      try {
        deliver((await select().whereIn('id', ids).orderBy('id')) as LiveEventRow[]);
      } catch (err) {
        logger.error({ err }, 'live events: could not read announced events');
      }
    }
    flushing = null;
  };

  const onNotification = (msg: pg.Notification) => {
    const id = Number(msg.payload);
    if (!Number.isSafeInteger(id)) return;
    pending.add(id);
    flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(flush);
  };

  // What was announced while the session was down: read from the table, so no stream misses it.
  const catchUp = async () => {
    for (;;) {
      const rows = (await select().where('id', '>', highest).orderBy('id').limit(REPLAY_PAGE)) as LiveEventRow[];
      deliver(rows);
      if (rows.length < REPLAY_PAGE) return;
    }
  };

  const connect = async (): Promise<void> => {
    const s = (await client.acquireRawConnection()) as pg.Client;
    s.on('notification', onNotification);
    const lost = (err?: unknown) => {
      if (session !== s) return;
      session = null;
      s.removeAllListeners('notification');
      void client.destroyRawConnection(s).catch(() => undefined);
      if (closed) return;
      logger.warn({ err }, 'live events: LISTEN session lost; reconnecting');
      setTimeout(reconnect, RECONNECT_MS).unref();
    };
    s.on('error', lost);
    s.on('end', () => lost());
    await s.query(`listen ${LIVE_EVENTS_CHANNEL}`);
    session = s;
  };
  const reconnect = () => {
    if (closed) return;
    connect()
      .then(catchUp)
      .catch((err: unknown) => {
        logger.warn({ err }, 'live events: reconnect failed; retrying');
        setTimeout(reconnect, RECONNECT_MS).unref();
      });
  };
  await connect();

  // Every process prunes; the deletes are idempotent and the created_at index keeps them cheap.
  const prune = () =>
    db
      .knex('live_events')
      .where('createdAt', '<', new Date(Date.now() - opts.retentionMs))
      .delete()
      .then(() => db.knex('event_tickets').where('expiresAt', '<', new Date()).delete())
      .catch((err: unknown) => logger.warn({ err }, 'live events: prune failed'));
  void prune();
  const pruner = setInterval(() => void prune(), PRUNE_EVERY_MS);
  pruner.unref();

  return {
    subscribe(s) {
      subscribers.add(s);
      return () => subscribers.delete(s);
    },
    async replay(user, afterId) {
      const out: LiveEventRow[] = [];
      let after = afterId;
      while (out.length < REPLAY_MAX) {
        const rows = (await visibleTo(select().where('id', '>', after), user)
          .orderBy('id')
          .limit(REPLAY_PAGE)) as LiveEventRow[];
        out.push(...rows);
        if (rows.length < REPLAY_PAGE) break;
        after = rows.at(-1)!.id;
      }
      return out;
    },
    get streams() {
      return subscribers.size;
    },
    async close() {
      closed = true;
      clearInterval(pruner);
      for (const s of [...subscribers]) s.end();
      subscribers.clear();
      await flushing;
      const s = session;
      session = null;
      if (s) await client.destroyRawConnection(s).catch(() => undefined);
    },
  };
}
