import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateCouncil } from './council.ts';
import { journeyViolations } from './journey-invariants.ts';
import type { Council } from './model.ts';

const AS_OF = '2026-03-31';
const council5k = generateCouncil({ seed: 7, children: 5000, asOf: AS_OF });

describe('generateCouncil', () => {
  it('gives the same council for the same seed and a different one for another seed', () => {
    const a = generateCouncil({ seed: 42, children: 300, asOf: AS_OF });
    const b = generateCouncil({ seed: 42, children: 300, asOf: AS_OF });
    const c = generateCouncil({ seed: 43, children: 300, asOf: AS_OF });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(c)).not.toBe(JSON.stringify(a));
  });

  it('makes exactly the number of children asked for, each with a unique id, all known within the window', () => {
    expect(council5k.children).toHaveLength(5000);
    expect(new Set(council5k.children.map((c) => c.id)).size).toBe(5000);
    const windowStart = council5k.windowStart;
    const active = council5k.children.filter((child) => {
      const dates = [
        ...child.contacts.map((c) => c.date),
        ...child.earlyHelp.map((e) => e.endDate ?? AS_OF),
        ...child.referrals.flatMap((r) => [...r.cinPlans, ...r.cpPlans].flatMap((p) => p.visits.map((v) => v.date))),
        ...child.periodsOfCare.flatMap((p) => [p.endDate ?? AS_OF, ...p.visits.map((v) => v.date)]),
        ...(child.careLeaver?.contacts.map((c) => c.date) ?? []),
        ...child.referrals.flatMap((r) => [r.closeDate ?? AS_OF]),
      ];
      return dates.some((d) => d >= windowStart);
    });
    expect(active.length).toBe(5000);
  });

  it('keeps every journey consistent (5,000 children)', () => {
    const problems = council5k.children.flatMap((child) => journeyViolations(child, AS_OF));
    expect(problems.slice(0, 20)).toEqual([]);
  });

  it('keeps every journey consistent for any seed, size, window and as-of date', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1_000_000, max: 1_000_000 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 6 }),
        fc.date({ min: new Date('2015-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true }),
        (seed, children, years, when) => {
          const asOf = when.toISOString().slice(0, 10);
          const council = generateCouncil({ seed, children, years, asOf });
          expect(council.children.flatMap((child) => journeyViolations(child, asOf))).toEqual([]);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('gives every case a team and worker that exist, and teams a spread of drift', () => {
    const teams = new Set(council5k.teams.map((t) => t.id));
    const workers = new Map(council5k.workers.map((w) => [w.id, w.teamId]));
    for (const child of council5k.children) {
      for (const a of child.allocations) {
        expect(teams.has(a.teamId)).toBe(true);
        expect(workers.get(a.workerId)).toBe(a.teamId);
      }
    }
    const drift = council5k.teams.map((t) => t.driftFactor);
    expect(Math.max(...drift) / Math.min(...drift)).toBeGreaterThan(1.5);
  });

  it('rejects options it cannot honour', () => {
    expect(() => generateCouncil({ seed: 1, children: 0, asOf: AS_OF })).toThrow(/children/);
    expect(() => generateCouncil({ seed: 1.5, children: 10, asOf: AS_OF })).toThrow(/seed/);
    expect(() => generateCouncil({ seed: 1, children: 10, asOf: '2026-02-30' })).toThrow(/date/);
    expect(() => generateCouncil({ seed: 1, children: 10, asOf: AS_OF, years: 0 })).toThrow(/years/);
  });
});

/**
 * Volumes for a 5,000-child council, counted here from the model, against the bands README.md
 * states. The bands are wide: the aim is a plausible council, not a particular one.
 */
describe('volumes of a 5,000-child council', () => {
  const v = measure(council5k);

  it('has about 0.3 referrals per child per year, with contacts well above referrals', () => {
    expect(v.referralsPerChildYear).toBeGreaterThan(0.2);
    expect(v.referralsPerChildYear).toBeLessThan(0.4);
    expect(v.contactsPerReferral).toBeGreaterThan(1.8);
    expect(v.contactsPerReferral).toBeLessThan(3.5);
  });

  it('puts about 5% of children on a CP plan and about 7% in care at some time in the window', () => {
    expect(v.everCp).toBeGreaterThan(0.04);
    expect(v.everCp).toBeLessThan(0.09);
    expect(v.everCla).toBeGreaterThan(0.05);
    expect(v.everCla).toBeLessThan(0.1);
  });

  it('has national-looking timeliness: most but not all assessments and ICPCs on time', () => {
    expect(v.assessmentsOnTime).toBeGreaterThan(0.72);
    expect(v.assessmentsOnTime).toBeLessThan(0.92);
    expect(v.icpcsOnTime).toBeGreaterThan(0.68);
    expect(v.icpcsOnTime).toBeLessThan(0.92);
  });

  it('has re-referrals and second CP plans in realistic shares', () => {
    expect(v.reReferrals).toBeGreaterThan(0.12);
    expect(v.reReferrals).toBeLessThan(0.32);
    expect(v.secondPlans).toBeGreaterThan(0.12);
    expect(v.secondPlans).toBeLessThan(0.35);
  });

  it('visits most children on CP plans on time, with some gaps', () => {
    expect(v.cpVisitGapsOver10).toBeGreaterThan(0.05);
    expect(v.cpVisitGapsOver10).toBeLessThan(0.3);
  });

  it('has about twenty events per child', () => {
    expect(v.eventsPerChild).toBeGreaterThan(15);
    expect(v.eventsPerChild).toBeLessThan(26);
  });
});

function weekdaysBetween(a: string, b: string): number {
  let n = 0;
  const end = Date.parse(`${b}T00:00:00Z`);
  for (let t = Date.parse(`${a}T00:00:00Z`) + 86_400_000; t <= end; t += 86_400_000) {
    const dow = new Date(t).getUTCDay();
    if (dow !== 0 && dow !== 6) n += 1;
  }
  return n;
}

function measure(council: Council) {
  const from = council.windowStart;
  const inWindow = (d: string | undefined) => d !== undefined && d >= from && d <= council.asOf;
  let contacts = 0;
  let referrals = 0;
  let reReferrals = 0;
  let authorised = 0;
  let authorisedOnTime = 0;
  let icpcs = 0;
  let icpcsOnTime = 0;
  let plans = 0;
  let laterPlans = 0;
  let gaps = 0;
  let gapsOver10 = 0;
  let everCp = 0;
  let everCla = 0;
  let events = 0;
  for (const child of council.children) {
    contacts += child.contacts.filter((c) => inWindow(c.date)).length;
    events += child.contacts.length + child.earlyHelp.length + child.missing.length + (child.careLeaver?.contacts.length ?? 0);
    let cp = false;
    child.referrals.forEach((r, i) => {
      events += 1 + r.assessments.length + r.s47s.length;
      const prior = child.referrals[i - 1];
      if (inWindow(r.date)) {
        referrals += 1;
        if (prior && Date.parse(r.date) - Date.parse(prior.date) <= 365 * 86_400_000) reReferrals += 1;
      }
      for (const a of r.assessments) {
        if (inWindow(a.startDate) && a.authorisedDate) {
          authorised += 1;
          if (weekdaysBetween(a.startDate, a.authorisedDate) <= 45) authorisedOnTime += 1;
        }
      }
      for (const s of r.s47s) {
        if (s.icpc?.date) events += 1;
        if (s.icpc?.date && inWindow(s.icpc.date)) {
          icpcs += 1;
          if (weekdaysBetween(s.strategyDate, s.icpc.date) <= 15) icpcsOnTime += 1;
        }
      }
      for (const p of r.cinPlans) events += 1 + p.visits.length;
      for (const p of r.cpPlans) {
        events += 1 + p.visits.length + p.reviews.length;
        if ((p.endDate ?? council.asOf) >= from) cp = true;
        if (inWindow(p.startDate)) {
          plans += 1;
          if (p.previousPlans > 0) laterPlans += 1;
        }
        for (let k = 1; k < p.visits.length; k++) {
          gaps += 1;
          if (weekdaysBetween(p.visits[k - 1]?.date ?? '', p.visits[k]?.date ?? '') > 10) gapsOver10 += 1;
        }
      }
    });
    if (cp) everCp += 1;
    if (child.periodsOfCare.some((p) => (p.endDate ?? council.asOf) >= from)) everCla += 1;
    for (const p of child.periodsOfCare) events += p.episodes.length + p.reviews.length + p.visits.length + p.healthChecks.length;
  }
  const n = council.children.length;
  return {
    referralsPerChildYear: referrals / n / council.years,
    contactsPerReferral: contacts / referrals,
    everCp: everCp / n,
    everCla: everCla / n,
    assessmentsOnTime: authorisedOnTime / authorised,
    icpcsOnTime: icpcsOnTime / icpcs,
    reReferrals: reReferrals / referrals,
    secondPlans: laterPlans / plans,
    cpVisitGapsOver10: gapsOver10 / gaps,
    eventsPerChild: events / n,
  };
}
