// Output of test results: herd7's text format (Test/States/Ok/Witnesses/Condition/Observation) and JSON.
import type { TestResult } from './types.js';

/** herd7's summary of one test, line for line, plus an explicit line when a bound made it inconclusive. */
export function formatHerd(r: TestResult & { loop?: boolean }): string {
  const out: string[] = [];
  out.push(`Test ${r.name} ${r.verdict}`);
  out.push(`States ${r.states.length}`);
  for (const s of r.states) out.push(s);
  out.push(`${r.loop ? 'Loop ' : ''}${r.ok ? 'Ok' : 'No'}`);
  out.push('Witnesses');
  // herd swaps the two counts for ~exists: "Positive" then counts the executions validating the test.
  const [pos, neg] = r.condition.startsWith('~exists') ? [r.negative, r.positive] : [r.positive, r.negative];
  out.push(`Positive: ${pos} Negative: ${neg}`);
  for (const f of r.flags) out.push(`Flag ${f}`);
  out.push(`Condition ${r.condition}`);
  // A bound was hit: the counts cover only what was explored, so no Never/Sometimes/Always is given.
  out.push(`Observation ${r.name} ${r.inconclusive ? 'Inconclusive' : r.observation} ${r.positive} ${r.negative}`);
  if (r.inconclusive) {
    out.push(`Inconclusive ${r.name}: ${r.inconclusive.reason}; the counts above are not a verdict`);
  }
  out.push(`Time ${r.name} ${(r.timeMs / 1000).toFixed(2)}`);
  return out.join('\n') + '\n\n';
}

export function formatJson(results: TestResult[]): string {
  return JSON.stringify(results, null, 2) + '\n';
}
