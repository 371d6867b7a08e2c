import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { RssWatch } from './measure';
import { median, percentile, startStack, type Stack } from './support';

/**
 * Photo uploads through the HTTP API of the real embedded stack (local storage): the throughput
 * of ~2 MB camera-sized JPEGs (decoded, re-encoded without metadata, thumbnailed, stored, row
 * inserted) with C uploads in flight, and the API process's resident memory during one upload
 * of a ~10 MB JPEG (just under the default PHOTO_MAX_MB).
 *   npm run bench:photos -- [--photos 40] [--concurrency 4] [--big-runs 3]
 */
const { values: flags } = parseArgs({
  options: {
    photos: { type: 'string', default: '40' },
    concurrency: { type: 'string', default: '4' },
    'big-runs': { type: 'string', default: '3' },
  },
});
const positive = (name: keyof typeof flags) => {
  const v = Number(flags[name]);
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} needs a positive whole number`);
  return v;
};
const PHOTOS = positive('photos');
const CONCURRENCY = positive('concurrency');
const BIG_RUNS = positive('big-runs');
const MB = 1024 * 1024;

/** A noisy JPEG (noise barely compresses) of about `targetBytes`, found by scaling its side. */
async function jpegOfSize(targetBytes: number): Promise<Buffer> {
  let side = 1000;
  for (let i = 0; i < 12; i++) {
    const image = await sharp({
      create: {
        width: Math.round(side * 1.33),
        height: side,
        channels: 3,
        background: '#4477aa',
        noise: { type: 'gaussian', mean: 128, sigma: 50 },
      },
    })
      .jpeg({ quality: 92 })
      .toBuffer();
    if (Math.abs(image.length - targetBytes) < targetBytes * 0.04 || i === 11) return image;
    side = Math.round(side * Math.sqrt(targetBytes / image.length));
  }
  throw new Error('unreachable');
}

async function post(stack: Stack, token: string, repairId: number, data: Buffer): Promise<number> {
  const form = new FormData();
  form.set('kind', 'DAMAGE');
  form.set('file', new Blob([data], { type: 'image/jpeg' }), 'photo.jpg');
  const started = performance.now();
  const res = await fetch(`${stack.url}/api/repairs/${repairId}/photos`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  const body = await res.text();
  if (res.status !== 201) throw new Error(`upload answered ${res.status}: ${body}`);
  return performance.now() - started;
}

const rssMB = (pid: number) => Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;

async function main() {
  const [small, big] = await Promise.all([jpegOfSize(2 * MB), jpegOfSize(9.5 * MB)]);
  console.log(`images: ${(small.length / MB).toFixed(2)} MiB and ${(big.length / MB).toFixed(2)} MiB noisy JPEGs`);
  const stack = await startStack({ PHOTO_STORAGE: 'local' });
  try {
    const { token } = await stack.login('demoadmin');
    const customer: { id: number } = await stack.db.knex('customers').first('id');
    const repair = await stack.api<{ id: number }>('POST', '/repairs', token, {
      customerId: customer.id,
      unitNumber: 'BENCH-1',
      description: 'photo bench',
    });
    for (let i = 0; i < 3; i++) await post(stack, token, repair.id, small); // warm-up: sharp's first calls load libvips

    const latencies: number[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < PHOTOS) {
          next++;
          latencies.push(await post(stack, token, repair.id, small));
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `throughput: ${PHOTOS} uploads of ${(small.length / MB).toFixed(2)} MiB, ${CONCURRENCY} in flight: ` +
        `${(PHOTOS / seconds).toFixed(1)} photos/s (${((PHOTOS * small.length) / MB / seconds).toFixed(1)} MiB/s); ` +
        `latency median ${median(latencies).toFixed(0)} ms, p95 ${percentile(latencies, 95).toFixed(0)} ms`,
    );

    for (let run = 1; run <= BIG_RUNS; run++) {
      await new Promise((r) => setTimeout(r, 2000)); // let the previous upload's buffers be collected
      const before = rssMB(stack.pid);
      const watch = new RssWatch([stack.pid]);
      const ms = await post(stack, token, repair.id, big);
      const peak = watch.stop()[stack.pid] as { peakMB: number; source: string };
      console.log(
        `10 MB upload ${run}: ${(big.length / MB).toFixed(2)} MiB in ${ms.toFixed(0)} ms; API process RSS ${before.toFixed(0)} MiB before, ` +
          `peak ${peak.peakMB.toFixed(0)} MiB (+${(peak.peakMB - before).toFixed(0)} MiB; ${peak.source})`,
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
