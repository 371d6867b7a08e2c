import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { openSse, type SseEvent, type SseStream } from '../test/support/sse';
import { whole } from './options';
import { median, percentile, startStack } from './support';

const HELP = `npm run bench:events -- [options]

Opens many GET /api/events streams on one API process (the embedded stack), prints that process's
memory and CPU, then measures how long a customer's approve takes to reach the assigned
technician's open stream as a \`repair\` event.

Options:
  --streams N   streams held open (default 1000)
  --moves N     approvals measured (default 100)
  --idle-s N    idle window measured with the streams open (default 30: one heartbeat round at 25 s)
  --help        this text`;

function options() {
  const { values } = parseArgs({
    options: {
      streams: { type: 'string', default: '1000' },
      moves: { type: 'string', default: '100' },
      'idle-s': { type: 'string', default: '30' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP + '\n');
    process.exit(0);
  }
  const n = (v: string, name: string) => whole(name, v, 0);
  return { streams: n(values.streams, 'streams'), moves: n(values.moves, 'moves'), idleS: n(values['idle-s'], 'idle-s') };
}

/** Resident memory (MB) and CPU seconds (user + system) of a process, from Linux /proc. */
function usage(pid: number): { rssMb: number; cpuS: number } {
  const rss = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(rest[11]) + Number(rest[12]);
  return { rssMb: Number(rss?.[1] ?? 0) / 1024, cpuS: ticks / 100 };
}

/** A field of an event's JSON data. */
const field = (e: SseEvent, key: string): unknown => (e.data as Record<string, unknown>)[key];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const { streams, moves, idleS } = options();
  const stack = await startStack({});
  const held: SseStream[] = [];
  try {
    const { customer, techs } = await stack.driver.demoTokens();
    const tokens = [customer, ...techs.values()];
    const before = usage(stack.pid);
    const events = `${stack.url}/api/events`;
    const auth = (token: string) => ({ authorization: `Bearer ${token}` });

    const t0 = performance.now();
    for (let i = 0; i < streams; i += 100) {
      const batch = Array.from({ length: Math.min(100, streams - i) }, (_, j) => openSse(events, auth(tokens[(i + j) % tokens.length]!)));
      for (const s of await Promise.all(batch)) {
        if (s.status !== 200) throw new Error(`stream ${held.length} answered ${s.status}`);
        held.push(s);
      }
      process.stderr.write(`\r${held.length}/${streams} streams`);
    }
    process.stderr.write('\n');
    const opened = usage(stack.pid);
    const openMs = performance.now() - t0;
    await sleep(idleS * 1000);
    const idle = usage(stack.pid);

    const techStreams = new Map<number, SseStream>();
    for (const [id, token] of techs) techStreams.set(id, await openSse(events, auth(token)));
    const latencies: number[] = [];
    const movesStart = usage(stack.pid);
    const m0 = performance.now();
    for (let i = 0; i < moves; i++) {
      const repair = await stack.api<{ id: number }>('POST', '/repairs', customer, { unitNumber: `EV-${i % 7}`, description: 'bench' });
      const isAssign = (e: SseEvent) => e.event === 'repair' && field(e, 'repairId') === repair.id && field(e, 'move') === 'assign';
      const assigned = await Promise.any([...techStreams.values()].map((s) => s.next(isAssign, 30_000)));
      const techId = field(assigned, 'technicianId') as number;
      const techStream = techStreams.get(techId)!;
      await stack.api('POST', `/repairs/${repair.id}/submit`, techs.get(techId), { estimatedCost: 50 });
      const sent = performance.now();
      const seen = techStream.next(
        (e) => e.event === 'repair' && field(e, 'repairId') === repair.id && field(e, 'move') === 'approve',
        10_000,
      );
      await stack.api('POST', `/repairs/${repair.id}/approve`, customer);
      latencies.push((await seen).at - sent);
      techStream.events.length = 0;
      process.stderr.write(`\r${i + 1}/${moves} approvals`);
    }
    process.stderr.write('\n');
    const movesEnd = usage(stack.pid);
    const movesS = (performance.now() - m0) / 1000;
    const lost = held.filter((s) => s.events.length === 0 && s.comments === 0).length;
    for (const s of techStreams.values()) s.close();

    const f = (x: number) => x.toFixed(1);
    console.log(`API process ${stack.pid} (embedded stack: API and worker in one Node process)`);
    console.log(`  before streams: RSS ${f(before.rssMb)} MB`);
    console.log(
      `  ${streams} streams open in ${f(openMs)} ms: RSS ${f(opened.rssMb)} MB (+${f(opened.rssMb - before.rssMb)} MB, ` +
        `${f(((opened.rssMb - before.rssMb) * 1024) / Math.max(streams, 1))} kB per stream); CPU to open ${f(opened.cpuS - before.cpuS)} s`,
    );
    console.log(
      `  idle ${idleS} s with them open: CPU ${f(idle.cpuS - opened.cpuS)} s (${f(((idle.cpuS - opened.cpuS) / idleS) * 100)} % of one core), RSS ${f(idle.rssMb)} MB`,
    );
    console.log(`  streams that saw no heartbeat nor event: ${lost}`);
    console.log(
      `  ${moves} approvals, approve sent → repair event on the technician's stream (with ${streams} other streams open): ` +
        `p50 ${f(median(latencies))} ms, p99 ${f(percentile(latencies, 99))} ms, max ${f(Math.max(...latencies))} ms`,
    );
    console.log(`  CPU during the approvals: ${f(movesEnd.cpuS - movesStart.cpuS)} s over ${f(movesS)} s; RSS ${f(movesEnd.rssMb)} MB`);
  } finally {
    for (const s of held) s.close();
    await stack.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
