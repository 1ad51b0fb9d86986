import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate, apportion, drawSample, mayAudit, stratumOf, type AuditorLoad, type Candidate, type DrawRequest } from './sampling.ts';

const DRAW_DATE = '2026-03-16';

function candidate(n: number, overrides: Partial<Candidate> = {}): Candidate {
  return {
    childId: `child-${String(n).padStart(3, '0')}`,
    childRef: `NB-${n}`,
    teamId: 'team-a',
    serviceId: 'service-1',
    caseType: 'cin',
    workerId: `worker-${n}`,
    lastAuditedOn: null,
    hasOpenAudit: false,
    ...overrides,
  };
}

function request(overrides: Partial<DrawRequest> = {}): DrawRequest {
  return {
    method: { kind: 'random' },
    sampleSize: 3,
    seed: 'seed-1',
    drawDate: DRAW_DATE,
    exclusionMonths: 12,
    auditors: [{ userId: 'auditor-b', teamId: 'team-b' }],
    ...overrides,
  };
}

const TEAMS = ['team-a', 'team-b', 'team-c', 'team-d'];

const candidatesArb = fc
  .uniqueArray(
    fc.record({
      n: fc.integer({ min: 1, max: 999 }),
      teamId: fc.constantFrom(...TEAMS, null),
      serviceId: fc.constantFrom('service-1', 'service-2', null),
      caseType: fc.constantFrom('cin', 'cp', 'cla', 'care-leaver', null),
      lastAuditedOn: fc.option(fc.constantFrom('2024-01-10', '2025-03-15', '2025-03-16', '2025-09-01', '2026-03-01'), { nil: null }),
      hasOpenAudit: fc.boolean(),
    }),
    { selector: (c) => c.n, maxLength: 60 },
  )
  .map((rows) => rows.map(({ n, ...rest }) => candidate(n, rest)));

const auditorsArb = fc.uniqueArray(
  fc.record({ userId: fc.constantFrom('u1', 'u2', 'u3', 'u4', 'u5'), teamId: fc.constantFrom(...TEAMS, null) }),
  { selector: (a) => a.userId, minLength: 1, maxLength: 5 },
);

const methodArb = fc.oneof(
  fc.constant({ kind: 'random' as const }),
  fc.constantFrom('service', 'team', 'caseType').map((by) => ({ kind: 'stratified' as const, by: by as 'service' | 'team' | 'caseType' })),
  fc.constant({ kind: 'targeted' as const, target: 'longest-unaudited' }),
);

const requestArb = fc.record({
  method: methodArb,
  sampleSize: fc.integer({ min: 1, max: 20 }),
  seed: fc.string({ maxLength: 12 }),
  drawDate: fc.constant(DRAW_DATE),
  exclusionMonths: fc.constantFrom(0, 6, 12, 24),
  auditors: auditorsArb,
});

describe('drawing a sample', () => {
  it('never chooses a case only the child’s own team (or worker) could audit, one with an open audit, or one audited within the exclusion period', () => {
    fc.assert(
      fc.property(candidatesArb, requestArb, (candidates, req) => {
        const draw = drawSample(candidates, req);
        for (const c of draw.chosen) {
          expect(req.auditors.some((a) => mayAudit(a, c))).toBe(true);
          expect(c.hasOpenAudit).toBe(false);
          if (draw.cutOff && c.lastAuditedOn) expect(c.lastAuditedOn < draw.cutOff).toBe(true);
        }
      }),
    );
  });

  it('records every candidate once, chosen or not, with the rule that excluded it', () => {
    fc.assert(
      fc.property(candidatesArb, requestArb, (candidates, req) => {
        const draw = drawSample(candidates, req);
        expect(draw.entries.map((e) => e.candidate.childId).sort()).toEqual(candidates.map((c) => c.childId).sort());
        for (const e of draw.entries) expect(e.outcome === 'excluded').toBe(e.rules.length > 0);
        const eligible = draw.entries.filter((e) => e.outcome !== 'excluded').length;
        expect(draw.chosen).toHaveLength(Math.min(req.sampleSize, eligible));
        expect(draw.entries.filter((e) => e.outcome === 'chosen').map((e) => e.candidate.childId).sort()).toEqual(draw.chosen.map((c) => c.childId).sort());
      }),
    );
  });

  it('is reproducible: the same seed and the same cases, in any order, give the same draw', () => {
    fc.assert(
      fc.property(
        candidatesArb.chain((cs) => fc.tuple(fc.constant(cs), fc.shuffledSubarray(cs, { minLength: cs.length, maxLength: cs.length }))),
        requestArb,
        ([candidates, reordered], req) => {
          const first = drawSample(candidates, req).chosen.map((c) => c.childId);
          const second = drawSample(reordered, req).chosen.map((c) => c.childId);
          expect(second).toEqual(first);
        },
      ),
    );
  });

  it('draws differently with another seed', () => {
    const candidates = Array.from({ length: 40 }, (_, i) => candidate(i + 1));
    const a = drawSample(candidates, request({ seed: 'round-1', sampleSize: 5 })).chosen.map((c) => c.childId);
    const b = drawSample(candidates, request({ seed: 'round-2', sampleSize: 5 })).chosen.map((c) => c.childId);
    expect(a).not.toEqual(b);
  });

  it('leaves out a case audited within the last 12 months and keeps one audited longer ago', () => {
    const draw = drawSample(
      [candidate(1, { lastAuditedOn: '2025-03-16' }), candidate(2, { lastAuditedOn: '2025-03-15' }), candidate(3, { lastAuditedOn: '2026-02-01' })],
      request({ sampleSize: 3 }),
    );
    expect(draw.cutOff).toBe('2025-03-16');
    expect(draw.chosen.map((c) => c.childRef)).toEqual(['NB-2']);
    expect(draw.entries.find((e) => e.candidate.childRef === 'NB-1')!.rules).toEqual(['recent-audit']);
    expect(draw.entries.find((e) => e.candidate.childRef === 'NB-3')!.rules).toEqual(['recent-audit']);
  });

  it('lets the exclusion period be changed, or turned off', () => {
    const cases = [candidate(1, { lastAuditedOn: '2025-11-01' })];
    expect(drawSample(cases, request({ exclusionMonths: 6 })).chosen).toHaveLength(0);
    expect(drawSample(cases, request({ exclusionMonths: 3 })).chosen).toHaveLength(1);
    expect(drawSample(cases, request({ exclusionMonths: 0 })).cutOff).toBeNull();
    expect(drawSample(cases, request({ exclusionMonths: 0 })).chosen).toHaveLength(1);
  });

  it('leaves out a case when every auditor is in its team or is its worker, naming every rule that applies', () => {
    const draw = drawSample(
      [candidate(1, { teamId: 'team-b' }), candidate(2, { workerId: 'auditor-b' }), candidate(3, { teamId: 'team-b', hasOpenAudit: true }), candidate(4)],
      request(),
    );
    expect(draw.chosen.map((c) => c.childRef)).toEqual(['NB-4']);
    expect(draw.entries.map((e) => [e.candidate.childRef, e.rules])).toEqual([
      ['NB-1', ['own-team']],
      ['NB-2', ['own-team']],
      ['NB-3', ['open-audit', 'own-team']],
      ['NB-4', []],
    ]);
  });

  it('stratifies in proportion: each stratum gets its exact share rounded down or up', () => {
    fc.assert(
      fc.property(candidatesArb, requestArb, fc.constantFrom('service', 'team', 'caseType'), (candidates, req, by) => {
        const stratified = { ...req, method: { kind: 'stratified' as const, by: by as 'service' | 'team' | 'caseType' } };
        const draw = drawSample(candidates, stratified);
        const eligible = draw.entries.filter((e) => e.outcome !== 'excluded');
        const take = Math.min(req.sampleSize, eligible.length);
        for (const s of draw.strata) {
          const exact = (take * s.eligible) / eligible.length;
          expect(s.quota === Math.floor(exact) || s.quota === Math.ceil(exact)).toBe(true);
          expect(draw.chosen.filter((c) => stratumOf(c, stratified.method.by) === s.key)).toHaveLength(s.quota);
        }
      }),
    );
  });

  it('stratifies by case type: 12 children in need and 4 on protection plans give 3 and 1 of 4', () => {
    const cases = [...Array.from({ length: 12 }, (_, i) => candidate(i + 1, { caseType: 'cin' })), ...Array.from({ length: 4 }, (_, i) => candidate(i + 20, { caseType: 'cp' }))];
    const draw = drawSample(cases, request({ method: { kind: 'stratified', by: 'caseType' }, sampleSize: 4 }));
    expect(draw.strata).toEqual([
      { key: 'cin', eligible: 12, quota: 3 },
      { key: 'cp', eligible: 4, quota: 1 },
    ]);
    expect(draw.chosen.filter((c) => c.caseType === 'cp')).toHaveLength(1);
  });

  it('targets the cases not audited for the longest, never-audited first', () => {
    const cases = [
      candidate(1, { lastAuditedOn: '2024-06-01' }),
      candidate(2, { lastAuditedOn: '2023-01-01' }),
      candidate(3, { lastAuditedOn: null }),
      candidate(4, { lastAuditedOn: '2025-01-01' }),
    ];
    const draw = drawSample(cases, request({ method: { kind: 'targeted', target: 'longest-unaudited' }, sampleSize: 3 }));
    expect(draw.chosen.map((c) => c.childRef)).toEqual(['NB-3', 'NB-2', 'NB-1']);
    expect(draw.entries.find((e) => e.candidate.childRef === 'NB-3')!.targetNote).toBe('Never audited');
  });

  it('refuses an unknown target and an empty sample', () => {
    expect(() => drawSample([candidate(1)], request({ method: { kind: 'targeted', target: 'nothing' } }))).toThrow(RangeError);
    expect(() => drawSample([candidate(1)], request({ sampleSize: 0 }))).toThrow(RangeError);
  });
});

describe('apportioning a sample across strata', () => {
  it('hands out exactly the sample, or every eligible case when there are fewer', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 100 }), (sizes, size) => {
        const strata = apportion(
          sizes.map((eligible, i) => ({ key: `k${i}`, eligible })),
          size,
        );
        const total = sizes.reduce((a, b) => a + b, 0);
        expect(strata.reduce((sum, s) => sum + s.quota, 0)).toBe(Math.min(size, total));
        for (const s of strata) expect(s.quota).toBeLessThanOrEqual(s.eligible);
      }),
    );
  });
});

describe('allocating cases to auditors', () => {
  const auditor = (userId: string, teamId: string, openAudits = 0): AuditorLoad => ({ userId, teamId, openAudits });

  it('never gives a case to an auditor from the child’s team or to the child’s worker', () => {
    fc.assert(
      fc.property(candidatesArb, auditorsArb, fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 5, maxLength: 5 }), (cases, auditors, loads) => {
        const withLoads = auditors.map((a, i) => ({ ...a, openAudits: loads[i]! }));
        const result = allocate(cases, withLoads);
        expect(result.assigned.length + result.unassigned.length).toBe(cases.length);
        for (const { childId, auditorId } of result.assigned) {
          const c = cases.find((x) => x.childId === childId)!;
          expect(mayAudit(withLoads.find((a) => a.userId === auditorId)!, c)).toBe(true);
        }
        for (const { childId } of result.unassigned) {
          const c = cases.find((x) => x.childId === childId)!;
          expect(withLoads.some((a) => mayAudit(a, c))).toBe(false);
        }
      }),
    );
  });

  it('balances load: auditors starting level end at most one case apart when any could take any case', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 4 }), (caseCount, auditorCount, start) => {
        const cases = Array.from({ length: caseCount }, (_, i) => candidate(i + 1, { teamId: 'children-team' }));
        const auditors = Array.from({ length: auditorCount }, (_, i) => auditor(`u${i}`, `team-${i}`, start));
        const loads = [...allocate(cases, auditors).loads.values()];
        expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('gives new cases to those with the fewest open audits first', () => {
    const result = allocate(
      [candidate(1, { teamId: 'x' }), candidate(2, { teamId: 'x' }), candidate(3, { teamId: 'x' })],
      [auditor('busy', 'team-1', 3), auditor('free', 'team-2', 0), auditor('some', 'team-3', 1)],
    );
    expect(result.assigned.map((a) => a.auditorId)).toEqual(['free', 'free', 'some']);
    expect(result.loads.get('busy')).toBe(3);
  });

  it('places the most constrained case first, so the only auditor who can take it is still free', () => {
    // Case 2 is in team-1, so only u2 may audit it; case 1 could go to either.
    const result = allocate([candidate(1, { teamId: 'team-9' }), candidate(2, { teamId: 'team-1' })], [auditor('u1', 'team-1'), auditor('u2', 'team-2')]);
    expect(new Map(result.assigned.map((a) => [a.childId, a.auditorId]))).toEqual(
      new Map([
        ['child-002', 'u2'],
        ['child-001', 'u1'],
      ]),
    );
  });

  it('leaves a case unallocated, with the reason, when nobody may audit it', () => {
    const result = allocate([candidate(1, { teamId: 'team-1' })], [auditor('u1', 'team-1')]);
    expect(result.assigned).toEqual([]);
    expect(result.unassigned[0]!.reason).toMatch(/child’s team/);
  });
});
