/**
 * The one client of the repair lifecycle through the HTTP API, shared by `npm run bench`,
 * `bench:lifecycle`, `bench:notifications` and the fault suite, so that what they measure or
 * check is the same sequence of calls. A 503 (or no answer) is retried only when asked: the fault
 * suite behaves as a sensible client during an outage, the benches count a 503 as a failure.
 */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Repair {
  id: number;
  status: string;
  technicianId: number | null;
}

/** What a lifecycle reports to `onTiming`: each call, each assignment poll, the whole wait. */
export type Step = 'create' | 'getRepair' | 'assignmentWait' | 'submit' | 'approve' | 'start' | 'complete';

export interface DriverOptions {
  /** The API's origin, e.g. http://127.0.0.1:3000 (routes are under /api). */
  baseUrl: string;
  /** Pause before each GET that waits for the automatic assignment (0: none). */
  pollMs: number;
  /** Retry a 503 or a missing answer after this pause; unset, it is the call's answer. */
  retry503AfterMs?: number;
  /** A request with no answer this long counts as 'no-answer'; unset, fetch's own limits. */
  requestTimeoutMs?: number;
}

export interface LifecycleInput {
  customer: string;
  /** Technician id → token: the workflow picks the technician, the driver acts as them. */
  techs: Map<number, string>;
  unitNumber: string;
  description: string;
  /** Called once the repair exists, so a failed lifecycle's repair is still known. */
  onCreated?: (id: number) => void;
  onTiming?: (step: Step, ms: number) => void;
}

type Answer = { status: number | 'no-answer'; body: unknown };

const ORDER = ['REQUESTED', 'PENDING', 'APPROVED', 'IN_PROGRESS', 'COMPLETED'];

export class LifecycleDriver {
  /** Every answer's status, counted (the fault suite reports 503s and other 5xx). */
  readonly statuses = new Map<number | 'no-answer', number>();
  /** Moves answered with something a correct server never says to this client. */
  readonly surprises: string[] = [];
  private stopAt = Number.POSITIVE_INFINITY;

  constructor(private readonly opts: DriverOptions) {}

  /** After this moment every retry and assignment wait gives up (a scenario's time bound). */
  deadline(at: number): void {
    this.stopAt = at;
  }

  /** One HTTP request; never throws on a status, only returns it. */
  async raw(method: string, route: string, token?: string, body?: unknown): Promise<Answer> {
    try {
      const res = await fetch(`${this.opts.baseUrl}/api${route}`, {
        method,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: this.opts.requestTimeoutMs ? AbortSignal.timeout(this.opts.requestTimeoutMs) : undefined,
      });
      const text = await res.text();
      this.count(res.status);
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: kept as text for the error message
      }
      return { status: res.status, body: parsed };
    } catch {
      this.count('no-answer');
      return { status: 'no-answer', body: null };
    }
  }

  /** The first answer that is not a retried 503; `ms` spans the retries, as the caller waited that long. */
  async call(method: string, route: string, token?: string, body?: unknown): Promise<Answer & { retried: boolean; ms: number }> {
    const t0 = performance.now();
    let retried = false;
    for (;;) {
      const res = await this.raw(method, route, token, body);
      const retry = this.opts.retry503AfterMs;
      if (retry === undefined || (res.status !== 503 && res.status !== 'no-answer')) return { ...res, retried, ms: performance.now() - t0 };
      if (Date.now() > this.stopAt) throw new Error(`${method} ${route}: still ${res.status} at the deadline`);
      retried = true;
      await sleep(retry);
    }
  }

  /** The body of a 200/201 answer; anything else throws, naming the call. */
  async ok<T>(method: string, route: string, token?: string, body?: unknown): Promise<T> {
    return okBody<T>(method, route, await this.call(method, route, token, body));
  }

  login<U = { id: number; technicianId?: number; customerId?: number }>(
    username: string,
    password = 'demo123',
  ): Promise<{ token: string; user: U }> {
    return this.ok('POST', '/auth/login', undefined, { username, password });
  }

  /** The demo customer's token and the demo technicians' tokens by technician id. */
  async demoTokens(): Promise<{ customer: string; customerId: number | undefined; techs: Map<number, string> }> {
    const demo = await this.login('democustomer');
    const techs = new Map<number, string>();
    for (const name of ['tech1', 'tech2', 'tech3']) {
      const { token, user } = await this.login(name);
      techs.set(user.technicianId as number, token);
    }
    return { customer: demo.token, customerId: demo.user.customerId, techs };
  }

  /** create → (the workflow assigns) → submit → approve → start → complete. */
  async lifecycle(input: LifecycleInput): Promise<Repair> {
    const { customer, onTiming } = input;
    const created = await this.call('POST', '/repairs', customer, { unitNumber: input.unitNumber, description: input.description });
    onTiming?.('create', created.ms);
    const repair = okBody<Repair>('POST', '/repairs', created);
    input.onCreated?.(repair.id);
    const waitStart = performance.now();
    let techId = repair.technicianId;
    while (techId === null) {
      if (Date.now() > this.stopAt) throw new Error(`repair ${repair.id}: never assigned`);
      if (this.opts.pollMs) await sleep(this.opts.pollMs);
      const polled = await this.call('GET', `/repairs/${repair.id}`, customer);
      onTiming?.('getRepair', polled.ms);
      techId = okBody<Repair>('GET', `/repairs/${repair.id}`, polled).technicianId;
    }
    onTiming?.('assignmentWait', performance.now() - waitStart);
    const tech = input.techs.get(techId);
    if (!tech) throw new Error(`repair ${repair.id}: assigned to unknown technician ${techId}`);
    await this.move(repair.id, 'submit', tech, 'PENDING', onTiming, { estimatedCost: 50 });
    await this.move(repair.id, 'approve', customer, 'APPROVED', onTiming);
    await this.move(repair.id, 'start', tech, 'IN_PROGRESS', onTiming);
    const done = await this.move(repair.id, 'complete', tech, 'COMPLETED', onTiming);
    if (done && done.status !== 'COMPLETED') throw new Error(`repair ${repair.id} ended ${done.status}`);
    return done ?? { ...repair, status: 'COMPLETED', technicianId: techId };
  }

  private count(status: number | 'no-answer') {
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
  }

  /**
   * A move; its repair when answered 200, or null for a 409 after a retried 503 when the repair
   * already has the move's outcome (the first try may have been recorded after all).
   */
  private async move(
    id: number,
    move: Step,
    token: string,
    to: string,
    onTiming: LifecycleInput['onTiming'],
    body?: unknown,
  ): Promise<Repair | null> {
    const route = `/repairs/${id}/${move}`;
    const res = await this.call('POST', route, token, body);
    onTiming?.(move, res.ms);
    if (res.status === 200) return res.body as Repair;
    if (res.status === 409 && res.retried) {
      const now = await this.ok<Repair>('GET', `/repairs/${id}`, token);
      if (ORDER.indexOf(now.status) >= ORDER.indexOf(to)) return null;
    }
    const why = `${move} repair ${id}: ${res.status} ${JSON.stringify(res.body)}`;
    this.surprises.push(why);
    throw new Error(why);
  }
}

function okBody<T>(method: string, route: string, res: Answer): T {
  if (res.status !== 200 && res.status !== 201) throw new Error(`${method} ${route}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as T;
}

/** Runs `total` jobs, `concurrency` at a time; `job` gets the job's index (0-based). */
export async function inLanes(total: number, concurrency: number, job: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await job(next++);
    }),
  );
}

/** The demo accounts' tokens, and the fleet users (--fleet-users) added to the demo customer. */
export async function demoAccounts(driver: LifecycleDriver, fleetUsers: number) {
  const { customer, customerId, techs } = await driver.demoTokens();
  const admin = (await driver.login('demoadmin')).token;
  for (let u = 0; u < fleetUsers; u++) {
    await driver.ok('POST', '/users', admin, {
      username: `fleet-user-${u}`,
      password: 'bench-password',
      role: 'customer',
      customerId,
      email: `fleet-user-${u}@example.com`,
      phone: `+1555020${String(u).padStart(4, '0')}`,
    });
  }
  return { customer, techs };
}
