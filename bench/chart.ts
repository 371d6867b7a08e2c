/**
 * A small hand-written SVG of a concurrency sweep: lifecycles/s (and the no-op ceiling as a
 * ratio label) on top, p99 latency per route underneath, both against concurrency.
 */
export interface ChartLevel {
  concurrency: number;
  lifecyclesPerSecond: number;
  noopWorkflowsPerSecond: number;
  p99Ms: Record<string, number>;
}

const W = 760;
const PANEL_H = 260;
const M = { left: 70, right: 170, top: 40, bottom: 46 };
const COLORS = ['#d62728', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b', '#17becf', '#7f7f7f'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Round axis maximum: 1, 2 or 5 times a power of ten, at least `x`. */
function niceMax(x: number): number {
  if (!(x > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}

function panel(
  y0: number,
  title: string,
  yLabel: string,
  xs: number[],
  series: { name: string; color: string; values: number[]; dashed?: boolean; labels?: string[] }[],
): string {
  const plotW = W - M.left - M.right;
  const plotH = PANEL_H - M.top - M.bottom;
  const xMax = Math.max(...xs);
  const xMin = Math.min(0, ...xs);
  const yMax = niceMax(Math.max(...series.flatMap((s) => s.values)) * 1.1);
  const r1 = (v: number) => Math.round(v * 10) / 10;
  const px = (x: number) => r1(M.left + ((x - xMin) / (xMax - xMin || 1)) * plotW);
  const py = (y: number) => r1(y0 + M.top + plotH - (y / yMax) * plotH);
  const out: string[] = [];
  out.push(`<text x="${M.left}" y="${y0 + 22}" font-size="15" font-weight="bold">${esc(title)}</text>`);
  for (let i = 0; i <= 5; i++) {
    const v = (yMax * i) / 5;
    const y = py(v);
    out.push(`<line x1="${M.left}" x2="${M.left + plotW}" y1="${y}" y2="${y}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${M.left - 6}" y="${y + 4}" font-size="11" text-anchor="end">${+v.toPrecision(3)}</text>`);
  }
  for (const x of xs) {
    out.push(`<line x1="${px(x)}" x2="${px(x)}" y1="${py(0)}" y2="${py(0) + 4}" stroke="#333"/>`);
    out.push(`<text x="${px(x)}" y="${py(0) + 17}" font-size="11" text-anchor="middle">${x}</text>`);
  }
  out.push(`<line x1="${M.left}" x2="${M.left + plotW}" y1="${py(0)}" y2="${py(0)}" stroke="#333"/>`);
  out.push(`<line x1="${M.left}" x2="${M.left}" y1="${py(0)}" y2="${py(yMax)}" stroke="#333"/>`);
  out.push(
    `<text x="${M.left + plotW / 2}" y="${py(0) + 34}" font-size="12" text-anchor="middle">concurrency (lifecycles in flight)</text>`,
  );
  out.push(`<text transform="translate(${18},${py(yMax / 2)}) rotate(-90)" font-size="12" text-anchor="middle">${esc(yLabel)}</text>`);
  series.forEach((s, k) => {
    const pts = xs.map((x, i) => `${px(x).toFixed(1)},${py(s.values[i] ?? 0).toFixed(1)}`).join(' ');
    out.push(`<polyline points="${pts}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5,4"' : ''}/>`);
    xs.forEach((x, i) => {
      const v = s.values[i] ?? 0;
      out.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(v).toFixed(1)}" r="3" fill="${s.color}"/>`);
      const label = s.labels?.[i];
      if (label) out.push(`<text x="${px(x) + 5}" y="${py(v) - 7}" font-size="10" fill="${s.color}">${esc(label)}</text>`);
    });
    const ly = y0 + M.top + 8 + k * 17;
    const lx = M.left + plotW + 14;
    out.push(
      `<line x1="${lx}" x2="${lx + 20}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5,4"' : ''}/>`,
    );
    out.push(`<text x="${lx + 26}" y="${ly + 4}" font-size="11">${esc(s.name)}</text>`);
  });
  return out.join('\n');
}

export function sweepChart(levels: ChartLevel[], subtitle: string): string {
  const xs = levels.map((l) => l.concurrency);
  const routes = [...new Set(levels.flatMap((l) => Object.keys(l.p99Ms)))];
  const top = panel(24, 'Throughput: full repair lifecycles per second', 'lifecycles / s', xs, [
    {
      name: 'lifecycles/s',
      color: '#1f77b4',
      values: levels.map((l) => l.lifecyclesPerSecond),
      labels: levels.map(
        (l) =>
          `${l.lifecyclesPerSecond.toFixed(2)}/s (${((100 * l.lifecyclesPerSecond) / l.noopWorkflowsPerSecond).toFixed(1)}% of no-op ${l.noopWorkflowsPerSecond.toFixed(0)}/s)`,
      ),
    },
  ]);
  const bottom = panel(
    24 + PANEL_H,
    'API latency p99 per route',
    'p99 (ms)',
    xs,
    routes.map((r, k) => ({
      name: r,
      color: COLORS[k % COLORS.length] as string,
      values: levels.map((l) => l.p99Ms[r] ?? 0),
      dashed: r === 'getRepair',
    })),
  );
  const h = 24 + 2 * PANEL_H + 10;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${h}" viewBox="0 0 ${W} ${h}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${M.left}" y="18" font-size="11" fill="#555">${esc(subtitle)}</text>`,
    top,
    bottom,
    '</svg>',
    '',
  ].join('\n');
}
