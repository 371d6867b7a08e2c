/**
 * The client side of a scenario: full repair lifecycles through the HTTP API, a few in flight at
 * once, behaving as a sensible client would during an outage: a 503 (or no answer) is retried after
 * a pause; a 409 on a move that was retried after a 503 is checked against the repair (the first
 * try may have been recorded after all). Every HTTP status it sees is counted.
 */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface DriverStats {
  statuses: Map<number | 'no-answer', number>;
  /** Requests that got an answer other than 200/201/503 where one was not expected (with detail). */
  surprises: string[];
  completed: number;
  failed: string[];
}

interface Repair {
  id: number;
  status: string;
  technicianId: number | null;
}

const ORDER = ['REQUESTED', 'PENDING', 'APPROVED', 'IN_PROGRESS', 'COMPLETED'];

export class Driver {
  readonly stats: DriverStats = { statuses: new Map(), surprises: [], completed: 0, failed: [] };
  private stopAt = Number.POSITIVE_INFINITY;

  constructor(
    private readonly baseUrl: string,
    private readonly requestTimeoutMs = 20_000,
  ) {}

  /** After this moment every retry loop gives up (the scenario's time bound). */
  deadline(at: number): void {
    this.stopAt = at;
  }

  private count(status: number | 'no-answer') {
    this.stats.statuses.set(status, (this.stats.statuses.get(status) ?? 0) + 1);
  }

  /** One HTTP request; never throws on a status, only returns it. */
  async raw(method: string, route: string, token?: string, body?: unknown): Promise<{ status: number | 'no-answer'; body: any }> {
    try {
      const res = await fetch(`${this.baseUrl}/api${route}`, {
        method,
        headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.requestTimeoutMs),
      });
      const text = await res.text();
      this.count(res.status);
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON
      }
      return { status: res.status, body: parsed };
    } catch {
      this.count('no-answer');
      return { status: 'no-answer', body: null };
    }
  }

  /** Retries while the answer is 503 (or none), then returns the first other answer. */
  async call(method: string, route: string, token?: string, body?: unknown): Promise<{ status: number; body: any; retried: boolean }> {
    let retried = false;
    for (;;) {
      const res = await this.raw(method, route, token, body);
      if (res.status !== 503 && res.status !== 'no-answer') return { status: res.status, body: res.body, retried };
      if (Date.now() > this.stopAt) throw new Error(`${method} ${route}: still ${res.status} at the scenario deadline`);
      retried = true;
      await sleep(1000);
    }
  }

  async ok(method: string, route: string, token?: string, body?: unknown): Promise<any> {
    const res = await this.call(method, route, token, body);
    if (res.status !== 200 && res.status !== 201) {
      throw new Error(`${method} ${route}: ${res.status} ${JSON.stringify(res.body)}`);
    }
    return res.body;
  }

  async login(username: string, password: string): Promise<{ token: string; user: { id: number; technicianId?: number } }> {
    return this.ok('POST', '/auth/login', undefined, { username, password });
  }

  /** A move; a 409 after a retried 503 is fine when the repair already has the move's outcome. */
  private async move(id: number, move: string, token: string, to: string, body: unknown = {}): Promise<void> {
    const res = await this.call('POST', `/repairs/${id}/${move}`, token, body);
    if (res.status === 200) return;
    if (res.status === 409 && res.retried) {
      const now: Repair = await this.ok('GET', `/repairs/${id}`, token);
      if (ORDER.indexOf(now.status) >= ORDER.indexOf(to)) return;
    }
    this.stats.surprises.push(`${move} repair ${id}: ${res.status} ${JSON.stringify(res.body)}`);
    throw new Error(`${move} repair ${id}: ${res.status} ${JSON.stringify(res.body)}`);
  }

  /** create → (workflow assigns) → submit → approve → start → complete. */
  async lifecycle(n: number, customer: string, techs: Map<number, string>): Promise<void> {
    const repair: Repair = await this.ok('POST', '/repairs', customer, { unitNumber: `FLT-${n}`, description: 'fault-injection lifecycle' });
    let techId = repair.technicianId;
    while (techId === null) {
      if (Date.now() > this.stopAt) throw new Error(`repair ${repair.id}: never assigned`);
      await sleep(200);
      techId = ((await this.ok('GET', `/repairs/${repair.id}`, customer)) as Repair).technicianId;
    }
    const tech = techs.get(techId);
    if (!tech) throw new Error(`repair ${repair.id}: assigned to unknown technician ${techId}`);
    await this.move(repair.id, 'submit', tech, 'PENDING', { estimatedCost: 50 });
    await this.move(repair.id, 'approve', customer, 'APPROVED');
    await this.move(repair.id, 'start', tech, 'IN_PROGRESS');
    await this.move(repair.id, 'complete', tech, 'COMPLETED');
  }

  /**
   * Runs `total` lifecycles, `concurrency` at a time. `onProgress` sees the number finished so far
   * (the scenario uses it to inject its fault mid-run).
   */
  async run(total: number, concurrency: number, customer: string, techs: Map<number, string>, onProgress: (done: number) => void): Promise<void> {
    let next = 0;
    let done = 0;
    const lane = async () => {
      while (next < total) {
        const n = ++next;
        try {
          await this.lifecycle(n, customer, techs);
          this.stats.completed++;
        } catch (err) {
          this.stats.failed.push(`lifecycle ${n}: ${(err as Error).message}`);
        }
        onProgress(++done);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, lane));
  }
}
