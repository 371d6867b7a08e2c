/**
 * The scale bench's SVG: per route, a bar of p99 at each size on a log axis, the growth
 * (p99 at the largest size / at 1×) on the right, per-user routes marked (their floor is 1.5).
 */
export interface ScaleRoute {
  perUser: boolean;
  p99Ms: Record<string, number>;
  growth: number;
}

const COLORS = ['#9ecae1', '#4292c6', '#08306b', '#000000'];
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function scaleChart(routes: Record<string, ScaleRoute>, sizes: number[], subtitle: string): string {
  const names = Object.keys(routes);
  const LABEL = 300;
  const PLOT = 430;
  const W = LABEL + PLOT + 120;
  const BAR = 5;
  const ROW = sizes.length * BAR + 8;
  const TOP = 70;
  const H = TOP + names.length * ROW + 40;
  const all = names.flatMap((n) => Object.values(routes[n]!.p99Ms)).filter((v) => v > 0);
  const lo = 10 ** Math.floor(Math.log10(Math.min(...all)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...all)));
  const x = (v: number) => LABEL + (Math.log10(Math.max(v, lo) / lo) / Math.log10(hi / lo)) * PLOT;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="20" font-size="15" font-weight="bold">p99 per read route as the data grows (log scale, ms)</text>`,
    `<text x="10" y="36" font-size="11" fill="#555">${esc(subtitle)}; * per-user route (floor: growth &lt;= 1.5)</text>`,
  ];
  sizes.forEach((k, i) => {
    out.push(`<rect x="${10 + i * 70}" y="46" width="12" height="8" fill="${COLORS[i % COLORS.length]}"/>`);
    out.push(`<text x="${26 + i * 70}" y="54" font-size="11">${k}×</text>`);
  });
  out.push(`<text x="${LABEL + PLOT + 10}" y="${TOP - 6}" font-size="11" font-weight="bold">growth</text>`);
  for (let d = lo; d <= hi; d *= 10) {
    out.push(`<line x1="${x(d).toFixed(1)}" x2="${x(d).toFixed(1)}" y1="${TOP - 4}" y2="${H - 34}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${x(d).toFixed(1)}" y="${H - 20}" font-size="10" text-anchor="middle">${+d.toPrecision(3)}</text>`);
  }
  names.forEach((name, j) => {
    const r = routes[name]!;
    const y = TOP + j * ROW;
    out.push(`<text x="${LABEL - 6}" y="${y + ROW / 2 + 2}" font-size="10" text-anchor="end">${r.perUser ? '* ' : ''}${esc(name)}</text>`);
    sizes.forEach((k, i) => {
      const v = r.p99Ms[String(k)] ?? 0;
      out.push(
        `<rect x="${LABEL}" y="${y + i * BAR}" width="${(x(v) - LABEL).toFixed(1)}" height="${BAR - 1}" fill="${COLORS[i % COLORS.length]}"/>`,
      );
    });
    const bad = r.perUser && r.growth > 1.5;
    out.push(
      `<text x="${LABEL + PLOT + 10}" y="${y + ROW / 2 + 2}" font-size="10"${bad ? ' fill="#d62728" font-weight="bold"' : ''}>${r.growth.toFixed(2)}×</text>`,
    );
  });
  out.push('</svg>', '');
  return out.join('\n');
}
