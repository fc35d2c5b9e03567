#!/usr/bin/env node
// `npm test`: type-check, lint, then the whole vitest suite, closing with one plain summary line
// ("N passed, N failed, N skipped") that CI can read whatever the runner prints above it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const run = (label, cmd, args) => {
  console.log(`\n== ${label}`);
  const result = spawnSync(cmd, args, { stdio: 'inherit' });
  return result.status ?? 1;
};

const failures = [];
if (run('typecheck', 'npm', ['run', '--silent', 'typecheck']) !== 0) failures.push('typecheck');
if (run('lint', 'npm', ['run', '--silent', 'lint']) !== 0) failures.push('lint');

const dir = mkdtempSync(join(tmpdir(), 'portico-test-report-'));
const report = join(dir, 'vitest.json');
const extra = process.argv.slice(2);
const vitestStatus = run('tests', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extra]);

let passed = 0, failed = 0, skipped = 0;
try {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  passed = json.numPassedTests;
  failed = json.numFailedTests;
  skipped = json.numPendingTests + json.numTodoTests;
} catch {
  failures.push('no test report');
}
rmSync(dir, { recursive: true, force: true });
if (vitestStatus !== 0) failures.push('tests');
if (failures.length > 0) console.log(`\nFailed: ${[...new Set(failures)].join(', ')}`);
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failures.length > 0 ? 1 : 0);
