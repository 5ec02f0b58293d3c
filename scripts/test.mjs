// npm test: lint, type-check, unit tests, the fault matrix, then the real-VS-Code suite. Continues past a failing stage, exits
// non-zero if any failed, and ends with one line "N passed, N failed" (unit + e2e tests; a failed lint or
// type-check counts as one failure each).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const results = path.join(root, 'test-results');
const t0 = Date.now();
const stages = [
  { name: 'lint', cmd: ['npm', 'run', '-s', 'lint'] },
  { name: 'type-check', cmd: ['npm', 'run', '-s', 'typecheck'] },
  { name: 'unit', cmd: ['npm', 'run', '-s', 'test:unit'], counts: 'unit.json' },
  { name: 'faults', cmd: ['npm', 'run', '-s', 'test:faults'], counts: 'faults.json' },
  { name: 'e2e', cmd: ['npm', 'run', '-s', 'test:e2e'], counts: 'e2e.json' },
];

if (!fs.existsSync(path.join(root, 'node_modules'))) {
  console.log('=== installing dependencies (npm ci)');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
fs.mkdirSync(results, { recursive: true });
let passed = 0;
let failed = 0;
const summary = [];
for (const s of stages) {
  const started = Date.now();
  console.log(`\n=== ${s.name}: ${s.cmd.join(' ')}`);
  if (s.counts) fs.rmSync(path.join(results, s.counts), { force: true });
  const r = spawnSync(s.cmd[0], s.cmd.slice(1), { cwd: root, stdio: 'inherit' });
  const secs = ((Date.now() - started) / 1000).toFixed(0);
  if (s.counts) {
    let c = { passed: 0, failed: 0 };
    try {
      c = JSON.parse(fs.readFileSync(path.join(results, s.counts), 'utf8'));
    } catch {
      c = { passed: 0, failed: 1 }; // the runner died before writing its counts
    }
    if (r.status !== 0 && c.failed === 0) c.failed = 1;
    passed += c.passed;
    failed += c.failed;
    summary.push(`${s.name}: ${c.passed} passed, ${c.failed} failed (${secs}s)`);
  } else {
    if (r.status === 0) {
      summary.push(`${s.name}: ok (${secs}s)`);
    } else {
      failed += 1;
      summary.push(`${s.name}: FAILED (${secs}s)`);
    }
  }
}
console.log(`\n=== summary (${((Date.now() - t0) / 1000).toFixed(0)}s)`);
for (const line of summary) console.log(`  ${line}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
