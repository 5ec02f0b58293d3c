/**
 * Log structure on a 50 MB build log: the steps (Outline), folding and diagnostics come from one incremental parse
 * in slices that yield to the event loop (src/core/logs/logParser.ts parseIncrementally, as src/ui/logs/logModels.ts runs it in
 * the extension host). Measured: total parse time, the longest slice without yielding, the event loop's longest
 * stall seen by a 1 ms timer while parsing, and the cost of a followed log growing by 100 KB.
 *   node out/bench/logParse.js            (or call benchLogParse() from bench.ts)
 */
import { ANDROID_SOURCE_FILES, repositoryDir, stepsFor } from '../sandbox/buildLogs';
import { LogParser, parseIncrementally } from '../src/core/logs/logParser';
import type { LineSource } from '../src/core/logs/logParser';

/** About `mb` MB of an Android build log with steps, compiler errors and warnings spread through it. */
export function makeLargeLog(mb: number): string[] {
  const steps = stepsFor(2);
  const repo = repositoryDir(2, '0123456789abcdef');
  const lines: string[] = ['Appcircle build 0123456789abcdef'];
  let bytes = 0;
  let i = 0;
  const target = mb * 1024 * 1024;
  while (bytes < target) {
    let line: string;
    if (i % 20_000 === 0) {
      line = `[10:00:00] @@[section:begin] Step started: ${steps[(i / 20_000) % steps.length] ?? 'Build'}`;
    } else if (i % 20_000 === 19_999) {
      line = `[10:05:00] @@[section:end] Step completed: ${steps[Math.floor(i / 20_000) % steps.length] ?? 'Build'}`;
    } else if (i % 5_000 === 77) {
      line = `e: file://${repo}/${ANDROID_SOURCE_FILES[0]}:${(i % 400) + 1}:5 Unresolved reference: foo${i}`;
    } else if (i % 5_000 === 78) {
      line = `${repo}/${ANDROID_SOURCE_FILES[2]}:${(i % 300) + 1}: warning: [deprecation] bar() has been deprecated`;
    } else {
      line = `[10:0${i % 10}:${String(i % 60).padStart(2, '0')}] [Android Build] gradle: compiling module ${i} of many (task :app:compileReleaseKotlin)`;
    }
    lines.push(line);
    bytes += line.length + 1;
    i++;
  }
  return lines;
}

export async function benchLogParse(mb = 50): Promise<Record<string, number>> {
  const lines = makeLargeLog(mb);
  const source: LineSource = { lineCount: lines.length, lines: (a, b) => lines.slice(a, b) };
  const parser = new LogParser();
  let slices = 0;
  let longestSlice = 0;
  // what the extension host feels: the longest gap between two runs of a 1 ms timer while the parse runs
  let last = performance.now();
  let longestStall = 0;
  const probe = setInterval(() => {
    const now = performance.now();
    longestStall = Math.max(longestStall, now - last);
    last = now;
  }, 1);
  const t0 = performance.now();
  await parseIncrementally(parser, source, {
    sliceMs: 8,
    yieldNow: () => new Promise((r) => setTimeout(r, 0)),
    onSlice: (ms) => {
      slices++;
      longestSlice = Math.max(longestSlice, ms);
    },
  });
  const total = performance.now() - t0;
  clearInterval(probe);
  const s = parser.summary();
  // a followed log grows by 100 KB: only the new lines are parsed (the last old line is read again)
  const extra = makeLargeLog(0.1);
  lines.push(...extra);
  const source2: LineSource = { lineCount: lines.length, lines: (a, b) => lines.slice(a, b) };
  const t1 = performance.now();
  parser.rollbackTo(parser.lineCount - 1);
  await parseIncrementally(parser, source2, { sliceMs: 8, yieldNow: () => new Promise((r) => setTimeout(r, 0)) });
  const grow = performance.now() - t1;
  const r1 = (n: number) => Math.round(n * 10) / 10;
  return {
    [`${mb} MB log: lines`]: s.lines,
    [`${mb} MB log: steps found`]: s.steps.length,
    [`${mb} MB log: errors + warnings found`]: s.problems.length,
    [`${mb} MB log: parse, total (ms)`]: Math.round(total),
    [`${mb} MB log: slices`]: slices,
    [`${mb} MB log: longest slice without yielding (ms)`]: r1(longestSlice),
    [`${mb} MB log: longest event-loop stall while parsing (ms)`]: r1(longestStall),
    [`${mb} MB log: +100 KB appended, parse (ms)`]: r1(grow),
  };
}

if (require.main === module) {
  void benchLogParse().then((r) => {
    for (const [k, v] of Object.entries(r)) {
      console.log(`${k.padEnd(60)} ${v}`);
    }
  });
}
