import { PassThrough } from 'node:stream';
import type { Context } from 'koa';
import { z } from 'zod';
import type { LiveEventRow } from '../../db/queries/live-events';
import { hashResetToken, newResetToken } from '../../security/one-time';
import type { AppDeps, AuthUser } from '../context';
import { ApiError } from '../errors';
import { authenticate, loadAuthUser } from '../middleware/auth';
import { defineRoute, type AnyRoute } from '../route';

const ALL = ['customer', 'technician', 'admin'] as const;
const TICKET_TTL_MS = 60_000;
const MAX_BUFFERED_BYTES = 1 << 20;

const streamQuery = z.object({
  ticket: z.string().min(1).max(200).optional(),
  lastEventId: z.coerce.number().int().min(0).optional(),
});

/** A ticket is spent by the statement that reads it, so two requests cannot both use it. */
async function callerOf(ctx: Context, deps: AppDeps, ticket: string | undefined): Promise<AuthUser> {
  if (ticket === undefined) {
    await authenticate(deps)(ctx, () => Promise.resolve());
    return ctx.state.user as AuthUser;
  }
  const [row] = await deps.db
    .knex('event_tickets')
    .where('tokenHash', hashResetToken(ticket))
    .delete()
    .returning<{ userId: number; sessionVersion: number; expiresAt: Date }[]>(['userId', 'sessionVersion', 'expiresAt']);
  if (!row || row.expiresAt.getTime() <= Date.now()) throw new ApiError('UNAUTHENTICATED', 'The ticket is invalid, used or expired');
  const user = await loadAuthUser(deps, row.userId);
  if (!user || user.sessionVersion !== row.sessionVersion) throw new ApiError('UNAUTHENTICATED', 'This session has ended; log in again');
  ctx.state.user = user;
  return user;
}

function lastEventIdOf(ctx: Context, fromQuery: number | undefined): number | undefined {
  const header = ctx.get('last-event-id');
  if (/^\d{1,15}$/.test(header)) return Number(header);
  return fromQuery;
}

const frame = (row: LiveEventRow): string => `id: ${row.id}\nevent: ${row.type}\ndata: ${JSON.stringify(row.payload)}\n\n`;

async function openStream(ctx: Context, deps: AppDeps, user: AuthUser, lastId: number | undefined): Promise<PassThrough> {
  const hub = deps.events;
  if (!hub) throw new ApiError('SERVICE_UNAVAILABLE', 'Live events are not running in this process');
  const out = new PassThrough();
  let ended = false;
  // Subscribed before the replay is read, so nothing committed in between is lost; what arrives
  // meanwhile waits here and is dropped if the replay already had it.
  let buffered: LiveEventRow[] | null = lastId === undefined ? null : [];
  const end = () => {
    if (ended) return;
    ended = true;
    clearInterval(heartbeat);
    unsubscribe();
    out.end();
  };
  // A client that does not read would grow this buffer without bound: cut it off, and it resumes
  // from its Last-Event-ID when it reconnects.
  const write = (text: string) => {
    if (ended) return;
    if (out.writableLength > MAX_BUFFERED_BYTES) end();
    else out.write(text);
  };
  const unsubscribe = hub.subscribe({
    user,
    send: (row) => (buffered ? buffered.push(row) : write(frame(row))),
    end,
  });
  // The caller is re-read on each beat: a stream ends with the session (log out everywhere, deactivation).
  const heartbeat = setInterval(() => {
    write(': heartbeat\n\n');
    loadAuthUser(deps, user.id)
      .then((now) => {
        if (!now || now.sessionVersion !== user.sessionVersion) end();
      })
      .catch(() => undefined);
  }, deps.config.events.heartbeatMs);
  ctx.res.on('close', end);

  ctx.req.socket.setTimeout(0);
  ctx.req.socket.setNoDelay(true);
  ctx.set({ 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no' });
  write('retry: 3000\n\n');
  if (lastId !== undefined) {
    try {
      const missed = await hub.replay(user, lastId);
      const seen = new Set<number>();
      for (const row of missed) {
        seen.add(row.id);
        write(frame(row));
      }
      for (const row of buffered ?? []) if (!seen.has(row.id) && row.id > lastId) write(frame(row));
      buffered = null;
    } catch (err) {
      end();
      throw err;
    }
  }
  return out;
}

export const eventRoutes: AnyRoute[] = [
  defineRoute({
    method: 'get',
    path: '/events',
    tag: 'events',
    summary:
      'Server-Sent Events for the caller: `notification`, `notification_read`, `repair` (one they may see changed), each with an id. ' +
      'Authorization: Bearer, or `?ticket=` from POST /api/events/ticket (EventSource cannot set headers). ' +
      '`Last-Event-ID` (header, or `?lastEventId`) replays what was missed; a `: heartbeat` comment every 25 s.',
    access: ALL,
    selfAuthenticates: true,
    query: streamQuery,
    produces: 'text/event-stream',
    handler: async ({ ctx, query }, deps) => {
      const user = await callerOf(ctx, deps, query.ticket);
      return openStream(ctx, deps, user, lastEventIdOf(ctx, query.lastEventId));
    },
  }),
  defineRoute({
    method: 'post',
    path: '/events/ticket',
    tag: 'events',
    summary: 'A one-minute, single-use ticket for GET /api/events?ticket=',
    access: ALL,
    status: 201,
    response: z.object({ ticket: z.string(), expiresAt: z.iso.datetime() }),
    handler: async ({ user }, { db }) => {
      const ticket = newResetToken();
      const expiresAt = new Date(Date.now() + TICKET_TTL_MS);
      await db
        .knex('event_tickets')
        .insert({ tokenHash: hashResetToken(ticket), userId: user.id, sessionVersion: user.sessionVersion, expiresAt });
      return { ticket, expiresAt: expiresAt.toISOString() };
    },
  }),
];
