/**
 * Medians over several bench runs, target by target: `node --import tsx bench/median.ts
 * bench/results/run-1.json bench/results/run-2.json …`. Each value is a ratio (or a figure)
 * from one run; only its median across runs is compared with the bound.
 */
import { readFile } from 'node:fs/promises';
import { median } from './lib/stats';
import type { Verdict } from './report';

const files = process.argv.slice(2);
if (files.length === 0) {
  process.stderr.write('usage: node --import tsx bench/median.ts <latest.json>…\n');
  process.exit(2);
}
const runs = await Promise.all(files.map(async (file) => JSON.parse(await readFile(file, 'utf8')) as { verdicts: Verdict[] }));
const targets = new Map<string, Verdict[]>();
for (const run of runs) for (const verdict of run.verdicts) targets.set(verdict.target, [...(targets.get(verdict.target) ?? []), verdict]);

const rows: string[][] = [['target', 'median', 'runs', 'bound', 'result']];
for (const [target, verdicts] of targets) {
  const values = verdicts.map((v) => v.value).filter((v): v is number => v !== null);
  const first = verdicts[0] as Verdict;
  const value = values.length === 0 ? null : median(values);
  const pass = value === null ? null : first.direction === '>=' ? value >= first.bound : value <= first.bound;
  const digits = first.unit === '×' ? 2 : 1;
  rows.push([target, value === null ? '-' : `${value.toFixed(digits)} ${first.unit}`, values.map((v) => v.toFixed(digits)).join(' / '), `${first.direction} ${first.bound}`, pass === null ? 'n/a' : pass ? 'met' : 'MISSED']);
}
const widths = rows[0]?.map((_, col) => Math.max(...rows.map((row) => (row[col] ?? '').length))) ?? [];
process.stdout.write(`${rows.map((row) => row.map((text, col) => (col === 0 ? text.padEnd(widths[col] ?? 0) : text.padStart(widths[col] ?? 0))).join('  ')).join('\n')}\n`);
