import { addWorkingDays, dayFromIso } from './dates.ts';
import type { Council } from './model.ts';

/** Counts of dated events in a generated council, by kind, for reports and benchmarks. */
export function countEvents(council: Council): Record<string, number> {
  const counts: Record<string, number> = {
    contact: 0,
    'early-help': 0,
    referral: 0,
    assessment: 0,
    'strategy-discussion': 0,
    icpc: 0,
    'cp-plan': 0,
    'cp-visit': 0,
    'cp-review': 0,
    'cin-plan': 0,
    'cin-visit': 0,
    'cla-episode': 0,
    'cla-review': 0,
    'cla-visit': 0,
    'health-check': 0,
    missing: 0,
    'care-leaver-contact': 0,
  };
  const add = (kind: string, n: number) => {
    counts[kind] = (counts[kind] ?? 0) + n;
  };
  for (const child of council.children) {
    add('contact', child.contacts.length);
    add('early-help', child.earlyHelp.length);
    add('missing', child.missing.length);
    add('care-leaver-contact', child.careLeaver?.contacts.length ?? 0);
    for (const r of child.referrals) {
      add('referral', 1);
      add('assessment', r.assessments.length);
      add('strategy-discussion', r.s47s.length);
      for (const s of r.s47s) if (s.icpc?.date) add('icpc', 1);
      for (const p of r.cpPlans) {
        add('cp-plan', 1);
        add('cp-visit', p.visits.length);
        add('cp-review', p.reviews.length);
      }
      for (const p of r.cinPlans) {
        add('cin-plan', 1);
        add('cin-visit', p.visits.length);
      }
    }
    for (const p of child.periodsOfCare) {
      add('cla-episode', p.episodes.length);
      add('cla-review', p.reviews.length);
      add('cla-visit', p.visits.length);
      add('health-check', p.healthChecks.length);
    }
  }
  return counts;
}

/**
 * The headline volumes and timeliness shares of the window, to compare a generated council with
 * the ratios the generator aims at (README.md). "Per year" figures divide window counts by years.
 */
export interface VolumeSummary {
  children: number;
  years: number;
  contactsPerYear: number;
  referralsPerYear: number;
  assessmentsPerYear: number;
  s47PerYear: number;
  icpcPerYear: number;
  /** Share of the children who were on a CP plan at some time in the window. */
  shareEverOnCpPlan: number;
  shareEverLookedAfter: number;
  shareOnCpPlanAtAsOf: number;
  shareLookedAfterAtAsOf: number;
  /** Referrals within 12 months of the child's previous referral. */
  reReferralShare: number;
  /** Authorised assessments authorised within 45 weekdays of their start. */
  assessmentsWithin45: number;
  icpcsWithin15: number;
  secondOrLaterCpPlanShare: number;
}

export function summariseVolumes(council: Council): VolumeSummary {
  const from = council.windowStart;
  const asOf = council.asOf;
  const inWindow = (d: string | undefined) => d !== undefined && d >= from && d <= asOf;
  let contacts = 0;
  let referrals = 0;
  let reReferrals = 0;
  let assessments = 0;
  let assessed = 0;
  let assessedOnTime = 0;
  let s47 = 0;
  let icpcs = 0;
  let icpcsOnTime = 0;
  let plansStarted = 0;
  let secondPlans = 0;
  let everCp = 0;
  let everCla = 0;
  let cpNow = 0;
  let claNow = 0;
  for (const child of council.children) {
    contacts += child.contacts.filter((c) => inWindow(c.date)).length;
    let previousReferral: string | undefined;
    let cp = false;
    let cpOpen = false;
    for (const r of child.referrals) {
      if (inWindow(r.date)) {
        referrals += 1;
        if (previousReferral && dayFromIso(r.date) - dayFromIso(previousReferral) <= 365) reReferrals += 1;
      }
      previousReferral = r.date;
      for (const a of r.assessments) {
        if (!inWindow(a.startDate)) continue;
        assessments += 1;
        if (a.authorisedDate) {
          assessed += 1;
          if (a.authorisedDate <= isoAddWorkingDays(a.startDate, 45)) assessedOnTime += 1;
        }
      }
      for (const s of r.s47s) {
        if (inWindow(s.strategyDate)) s47 += 1;
        if (s.icpc?.date && inWindow(s.icpc.date)) {
          icpcs += 1;
          if (s.icpc.date <= s.icpc.targetDate) icpcsOnTime += 1;
        }
      }
      for (const p of r.cpPlans) {
        if (inWindow(p.startDate)) {
          plansStarted += 1;
          if (p.previousPlans > 0) secondPlans += 1;
        }
        if (p.startDate <= asOf && (p.endDate === undefined || p.endDate >= from)) cp = true;
        if (p.endDate === undefined) cpOpen = true;
      }
    }
    const cla = child.periodsOfCare.some((p) => p.endDate === undefined || p.endDate >= from);
    if (cp) everCp += 1;
    if (cpOpen) cpNow += 1;
    if (cla) everCla += 1;
    if (child.periodsOfCare.some((p) => p.endDate === undefined)) claNow += 1;
  }
  const n = council.children.length;
  const y = council.years;
  return {
    children: n,
    years: y,
    contactsPerYear: contacts / y,
    referralsPerYear: referrals / y,
    assessmentsPerYear: assessments / y,
    s47PerYear: s47 / y,
    icpcPerYear: icpcs / y,
    shareEverOnCpPlan: everCp / n,
    shareEverLookedAfter: everCla / n,
    shareOnCpPlanAtAsOf: cpNow / n,
    shareLookedAfterAtAsOf: claNow / n,
    reReferralShare: referrals ? reReferrals / referrals : 0,
    assessmentsWithin45: assessed ? assessedOnTime / assessed : 0,
    icpcsWithin15: icpcs ? icpcsOnTime / icpcs : 0,
    secondOrLaterCpPlanShare: plansStarted ? secondPlans / plansStarted : 0,
  };
}

function isoAddWorkingDays(iso: string, n: number): string {
  return new Date(addWorkingDays(dayFromIso(iso), n) * 86_400_000).toISOString().slice(0, 10);
}
