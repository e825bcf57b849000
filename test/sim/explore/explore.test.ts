// Unit tests of exploration: rf enumeration, value constraints, pruning soundness, bounds, and herd-format output.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Execution, Judgement } from '../../../src/sim/execution.js';
import { explore, type JudgeFn, type ModelLike } from '../../../src/sim/explore.js';
import { judge, loadModel, type Model } from '../../../src/sim/model.js';
import { formatHerd } from '../../../src/sim/report.js';
import { parseLitmus } from '../../../src/sim/litmus/parser.js';
import { Relation } from '../../../src/sim/relation.js';
import { exploreTest } from '../../../src/sim/index.js';
import { formatTimeline } from '../../../src/sim/witness.js';
import { kernelTests, modelDir } from '../litmus/helpers.js';

const isLock = (tags: string[]) => tags.some((t) => /^(LKR|LKW|UL|LF|RL|RU)$/.test(t));

/**
 * A model of our own for testing exploration alone: sequential consistency per location (every co order,
 * consistent iff po-loc ∪ rf ∪ co ∪ fr is acyclic over memory accesses).
 */
const coherenceJudge: JudgeFn = (_m: ModelLike, x: Execution): Iterable<Judgement> => {
  const n = x.events.length;
  const mem = x.events.filter((e) => (e.kind === 'R' || e.kind === 'W') && e.loc !== undefined && !isLock(e.tags));
  const byLoc = new Map<string, number[]>();
  for (const e of mem) if (e.kind === 'W' && e.thread >= 0) (byLoc.get(e.loc!) ?? byLoc.set(e.loc!, []).get(e.loc!)!).push(e.id);
  const locs = [...byLoc.keys()];
  const perms = (a: number[]): number[][] => (a.length <= 1 ? [a] : a.flatMap((v, i) => perms([...a.slice(0, i), ...a.slice(i + 1)]).map((p) => [v, ...p])));
  const choices = locs.map((l) => perms(byLoc.get(l)!));
  const out: Judgement[] = [];
  const go = (i: number, co: Relation): void => {
    if (i === locs.length) {
      const rel = co.union(x.rf);
      for (const a of mem) for (const b of mem) if (a.loc === b.loc && x.po.has(a.id, b.id)) rel.add(a.id, b.id);
      for (let w = 0; w < n; w++) for (let r = 0; r < n; r++) if (x.rf.has(w, r)) for (let w2 = 0; w2 < n; w2++) if (co.has(w, w2)) rel.add(r, w2);
      const ok = rel.isAcyclic();
      out.push({ consistent: ok, failed: ok ? undefined : 'coherence', flags: [], co, rf: x.rf, lookup: () => undefined });
      return;
    }
    for (const order of choices[i]) {
      const c = co.clone();
      const init = x.events.find((e) => e.thread < 0 && e.loc === locs[i])!.id;
      const seq = [init, ...order];
      for (let a = 0; a < seq.length; a++) for (let b = a + 1; b < seq.length; b++) c.add(seq[a], seq[b]);
      go(i + 1, c);
    }
  };
  go(0, new Relation(n));
  return out;
};

const fakeModel: ModelLike = { dir: '/nonexistent', name: 'sc-per-location', defText: '' };

let m12: Model;
let m61: Model;
beforeAll(async () => {
  m12 = await loadModel(await modelDir('6.12'));
  m61 = await loadModel(await modelDir('6.1'));
  fakeModel.defText = m12.defText;
});

describe('exploration with a per-location SC judge of our own', () => {
  it('CoRR: a second read never goes back to the initial value', () => {
    const t = parseLitmus(
      'C CoRR\n{}\nP0(int *x)\n{\n\tWRITE_ONCE(*x, 1);\n}\nP1(int *x)\n{\n\tint r0 = READ_ONCE(*x);\n\tint r1 = READ_ONCE(*x);\n}\nexists (1:r0=1 /\\ 1:r1=0)\n',
      'corr.litmus',
    );
    for (const pruning of [false, true]) {
      const { result } = explore(t, fakeModel, coherenceJudge, {}, pruning);
      expect(result.states).toEqual(['1:r0=0; 1:r1=0;', '1:r0=0; 1:r1=1;', '1:r0=1; 1:r1=1;']);
      expect(result.observation).toBe('Never');
      // Without pruning all 4 rf choices reach the judge; with it, the incoherent one is dropped first.
      expect(result.candidates).toBe(pruning ? 3 : 4);
    }
  });

  it('binds values through rf and drops branch decisions the values contradict', () => {
    const t = parseLitmus(
      'C br\n{ y=5; }\nP0(int *x, int *y)\n{\n\tint r0 = READ_ONCE(*x);\n\tif (r0 == 2) WRITE_ONCE(*y, r0 + 1);\n}\nP1(int *x)\n{\n\tWRITE_ONCE(*x, 2);\n}\nexists (y=3)\n',
      'br.litmus',
    );
    const { result } = explore(t, fakeModel, coherenceJudge, {}, true);
    expect(result.states).toEqual(['[y]=3;', '[y]=5;']);
    expect([result.positive, result.negative]).toEqual([1, 1]);
  });

  it('reads initial values from the init block, in branch decisions too', () => {
    const t = parseLitmus(
      'C init\n{ x=3; }\nP0(int *x, int *y)\n{\n\tint r0 = READ_ONCE(*x);\n\tif (r0 == 3) WRITE_ONCE(*y, r0);\n}\nexists (0:r0=3 /\\ y=3)\n',
      'init.litmus',
    );
    const { result } = explore(t, fakeModel, coherenceJudge, {}, true);
    expect([result.observation, result.states]).toEqual(['Always', ['0:r0=3; [y]=3;']]);
  });

  it('drops candidates whose values depend on themselves (out of thin air)', () => {
    const t = parseLitmus(
      'C LB+datas\n{}\nP0(int *x, int *y)\n{\n\tint r0 = READ_ONCE(*x);\n\tWRITE_ONCE(*y, r0);\n}\nP1(int *x, int *y)\n{\n\tint r1 = READ_ONCE(*y);\n\tWRITE_ONCE(*x, r1);\n}\nexists (0:r0=42)\n',
      'lb.litmus',
    );
    const { result } = explore(t, fakeModel, coherenceJudge, {}, true);
    expect(result.states).toEqual(['0:r0=0;']);
  });

  it('follows pointers stored in memory', () => {
    const t = parseLitmus(
      'C ptr\n{ p=x; }\nP0(int **p, int *y)\n{\n\tWRITE_ONCE(*y, 7);\n\tWRITE_ONCE(*p, y);\n}\nP1(int **p)\n{\n\tint *r0 = READ_ONCE(*p);\n\tint r1 = READ_ONCE(*r0);\n}\nexists (1:r0=y /\\ 1:r1=7)\n',
      'ptr.litmus',
    );
    const { result } = explore(t, fakeModel, coherenceJudge, {}, true);
    expect(result.states).toEqual(['1:r0=x; 1:r1=0;', '1:r0=y; 1:r1=0;', '1:r0=y; 1:r1=7;']);
  });

  it('stops at the time limit and says the result is inconclusive', () => {
    const thread = (i: number) => `P${i}(int *x, int *y)\n{\n\tWRITE_ONCE(*x, ${i + 1});\n\tint r0 = READ_ONCE(*y);\n\tWRITE_ONCE(*y, ${i + 1});\n\tint r1 = READ_ONCE(*x);\n}\n`;
    const t = parseLitmus(`C slow\n{}\n${[0, 1, 2, 3, 4].map(thread).join('')}exists (x=1)\n`, 'slow.litmus');
    const slowJudge: JudgeFn = (m, x) => {
      const until = Date.now() + 2;
      while (Date.now() < until);
      return coherenceJudge(m, x);
    };
    const { result } = explore(t, fakeModel, slowJudge, { timeoutMs: 50 }, true);
    expect(result.inconclusive?.reason).toMatch(/time limit of 0.05 s/);
    expect(result.timeMs).toBeLessThan(5000);
  });

  it('stops at --max-executions and says the result is inconclusive', () => {
    const t = parseLitmus(
      'C many\n{}\nP0(int *x)\n{\n\tWRITE_ONCE(*x, 1);\n\tWRITE_ONCE(*x, 2);\n}\nP1(int *x)\n{\n\tWRITE_ONCE(*x, 3);\n\tint r0 = READ_ONCE(*x);\n}\nexists (x=1)\n',
      'many.litmus',
    );
    const { result } = explore(t, fakeModel, coherenceJudge, { maxExecutions: 2 }, true);
    expect(result.inconclusive?.reason).toMatch(/more than 2 candidate executions/);
    expect(formatHerd(result)).toMatch(/^Inconclusive many: .*not a verdict$/m);
    expect(formatHerd(result)).toMatch(/^Observation many Inconclusive \d+ \d+$/m);
  });
});

describe('program order', () => {
  /** The first candidate execution of a one-thread test, as exploration hands it to the judge. */
  function firstExec(body: string): Execution {
    const t = parseLitmus(`C po\n{}\nP0(int *x, int *y, int *z)\n{\n${body}\n}\nexists (x=1)\n`, 'po.litmus');
    let got: Execution | undefined;
    explore(t, fakeModel, (m, x) => {
      got ??= x;
      return coherenceJudge(m, x);
    });
    return got!;
  }
  const pairs = (x: Execution) =>
    [...x.po.pairs()].map(([a, b]) => `${x.events[a].kind}${x.events[a].loc ?? x.events[a].tags[0]}<${x.events[b].kind}${x.events[b].loc ?? x.events[b].tags[0]}`);

  it('orders the operands of one operator only through their uses, as herd does', () => {
    const x = firstExec('\tint r0 = READ_ONCE(*x) + READ_ONCE(*y);\n\tWRITE_ONCE(*z, r0);');
    expect(pairs(x).sort()).toEqual(['Rx<Wz', 'Ry<Wz']);
  });
  it('orders a full-barrier RMW as F, R*, W*, F with its operands after the first fence', () => {
    const x = firstExec('\tint r0 = xchg(x, READ_ONCE(*y));');
    expect(pairs(x).sort()).toEqual(['Fmb<Fmb', 'Fmb<Rx', 'Fmb<Ry', 'Fmb<Wx', 'Rx<Fmb', 'Rx<Wx', 'Ry<Fmb', 'Ry<Wx', 'Wx<Fmb']);
  });
});

describe('under the kernel models', () => {
  for (const v of ['6.12', '6.1'] as const) {
    it(`${v}: pruning never changes a count, and every test gives its Result: header`, async () => {
      const model = v === '6.12' ? m12 : m61;
      for (const { file, text } of kernelTests(await modelDir(v))) {
        const t = parseLitmus(text, file);
        const a = explore(t, model, judge as JudgeFn, {}, true).result;
        const b = explore(t, model, judge as JudgeFn, {}, false).result;
        expect([a.states, a.positive, a.negative, a.flags], file).toEqual([b.states, b.positive, b.negative, b.flags]);
        expect(a.candidates, file).toBeLessThanOrEqual(b.candidates);
        expect(a.observation, file).toBe(/Result:\s*(\w+)/.exec(text)?.[1]);
        expect(a.flags.includes('data-race'), file).toBe(/DATARACE/.test(text));
      }
    });
  }

  it('prints herd7\'s summary for MP+poonceonces', async () => {
    const text = kernelTests(await modelDir('6.12')).find((x) => x.file === 'MP+poonceonces.litmus')!.text;
    const r = exploreTest(parseLitmus(text, 'MP+poonceonces.litmus'), m12).result;
    expect(formatHerd(r).replace(/^Time .*$/m, 'Time')).toBe(
      [
        'Test MP+poonceonces Allowed',
        'States 4',
        '1:r0=0; 1:r1=0;',
        '1:r0=0; 1:r1=1;',
        '1:r0=1; 1:r1=0;',
        '1:r0=1; 1:r1=1;',
        'Ok',
        'Witnesses',
        'Positive: 1 Negative: 3',
        'Condition exists (1:r0=1 /\\ 1:r1=0)',
        'Observation MP+poonceonces Sometimes 1 3',
        'Time',
        '',
        '',
      ].join('\n'),
    );
  });

  it('swaps the witness counts for ~exists, as herd does', () => {
    const t = parseLitmus(
      'C SB\n{}\nP0(int *x, int *y)\n{\n\tWRITE_ONCE(*x, 1);\n\tint r0 = READ_ONCE(*y);\n}\nP1(int *x, int *y)\n{\n\tWRITE_ONCE(*y, 1);\n\tint r0 = READ_ONCE(*x);\n}\n~exists (0:r0=0 /\\ 1:r0=0)\n',
      'sb.litmus',
    );
    const r = exploreTest(t, m12).result;
    expect(r.verdict).toBe('Forbidden');
    expect(r.ok).toBe(false);
    const out = formatHerd(r);
    expect(out).toMatch(/^Test SB Forbidden\nStates 4\n/);
    expect(out).toMatch(/^No\nWitnesses\nPositive: 3 Negative: 1$/m);
    expect(out).toMatch(/^Observation SB Sometimes 1 3$/m);
  });

  it('marks the stale read of the witness and names the write each read saw', async () => {
    const text = kernelTests(await modelDir('6.12')).find((x) => x.file === 'MP+poonceonces.litmus')!.text;
    const t = parseLitmus(text, 'MP+poonceonces.litmus');
    const r = exploreTest(t, m12).result;
    const steps = r.witness!.steps;
    const reads = steps.filter((s) => s.kind === 'R');
    expect(reads.map((s) => [s.loc, s.readsFrom, s.stale])).toEqual([
      ['flag', 'P0:line 15', false],
      ['buf', 'init', true],
    ]);
    const tl = formatTimeline(t, r.witness!);
    expect(tl.split('\n')[0]).toMatch(/^P0\s+\| P1$/);
    expect(tl).toMatch(/R\[once\] buf=0 <- init {2}\(STALE\)/);
    expect(tl).toMatch(/^Verdict: allowed by linux-kernel/m);
  });

  it('counts a loop that needs more iterations as inconclusive ("Loop" in herd\'s output)', () => {
    const t = parseLitmus(
      'C spin\n{}\nP0(int *x)\n{\n\twhile (READ_ONCE(*x) == 0)\n\t\t;\n}\nP1(int *x)\n{\n\tWRITE_ONCE(*x, 1);\n}\nexists (x=1)\n',
      'spin.litmus',
    );
    const r = exploreTest(t, m12, { unroll: 1 }).result;
    expect(r.inconclusive?.reason).toMatch(/spin.litmus:5 \(P0\) may run more than 1 iterations/);
    expect(formatHerd(r)).toMatch(/^Loop Ok$/m);
  });
});

describe('formatTimeline', () => {
  it('works from the witness alone, as the analyze stage calls it', async () => {
    const text = kernelTests(await modelDir('6.12')).find((x) => x.file === 'SB+poonceonces.litmus')!.text;
    const t = parseLitmus(text, 'SB+poonceonces.litmus');
    const w = exploreTest(t, m12).result.witness!;
    expect(formatTimeline(w)).toBe(formatTimeline(t, w));
  });
});

describe('flags', () => {
  it('keeps an execution per flag and marks the racing accesses', () => {
    const t = parseLitmus(
      'C race\n{}\nP0(int *x, int *y)\n{\n\t*x = 1;\n\tsmp_store_release(y, 1);\n}\nP1(int *x, int *y)\n{\n\tint r0 = smp_load_acquire(y);\n\tint r1 = *x;\n}\nexists (1:r0=1 /\\ 1:r1=0)\n',
      'race.litmus',
    );
    const r = exploreTest(t, m12).result;
    // Acquire/release orders the accesses when r0=1, so the outcome is forbidden; with r0=0 they race.
    expect(r.observation).toBe('Never');
    expect(r.flags).toEqual(['data-race']);
    const w = r.flagWitnesses!['data-race'];
    const racing = w.steps.filter((s) => s.racesWith).map((s) => [s.thread, s.line, s.racesWith]);
    expect(racing).toEqual([
      [0, 5, ['P1:line 11']],
      [1, 11, ['P0:line 5']],
    ]);
    expect(formatTimeline(t, w)).toMatch(/RACE with P0:line 5/);
  });
});
