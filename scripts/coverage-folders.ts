import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Line and branch coverage of each folder of src/ (domain, activities, api...) and of src/ as a
 * whole, from the per-file coverage/coverage-summary.json that `npm run coverage` makes (c8's
 * json-summary). Printed, and written to coverage/folders.json.
 */
interface Counts {
  total: number;
  covered: number;
}
type FileSummary = Record<'lines' | 'branches', Counts>;

const root = path.join(__dirname, '..');
const src = path.join(root, 'src');
const summary = JSON.parse(readFileSync(path.join(root, 'coverage', 'coverage-summary.json'), 'utf8')) as Record<string, FileSummary>;

const folders = new Map<string, FileSummary>();
const add = (name: string, s: FileSummary) => {
  const f = folders.get(name) ?? { lines: { total: 0, covered: 0 }, branches: { total: 0, covered: 0 } };
  for (const k of ['lines', 'branches'] as const) {
    f[k].total += s[k].total;
    f[k].covered += s[k].covered;
  }
  folders.set(name, f);
};
for (const [file, s] of Object.entries(summary)) {
  if (file === 'total') continue;
  const rel = path.relative(src, file);
  if (rel.startsWith('..')) continue;
  add(rel.includes(path.sep) ? rel.split(path.sep)[0]! : '(top level)', s);
  add('src (all)', s);
}

const pct = (c: Counts) => (c.total === 0 ? 100 : (100 * c.covered) / c.total);
const rows = [...folders].sort(([a], [b]) => (a === 'src (all)' ? 1 : b === 'src (all)' ? -1 : a.localeCompare(b)));
const out = Object.fromEntries(rows.map(([name, f]) => [name, { lines: +pct(f.lines).toFixed(2), branches: +pct(f.branches).toFixed(2) }]));
console.log(`${'folder'.padEnd(14)} ${'lines %'.padStart(8)} ${'branches %'.padStart(11)}`);
for (const [name, f] of Object.entries(out))
  console.log(`${name.padEnd(14)} ${f.lines.toFixed(2).padStart(8)} ${f.branches.toFixed(2).padStart(11)}`);
writeFileSync(path.join(root, 'coverage', 'folders.json'), `${JSON.stringify(out, null, 2)}\n`);
