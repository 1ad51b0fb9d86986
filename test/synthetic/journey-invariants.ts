import type { ChildRecord } from './model.ts';

/**
 * The rules every generated child's record must obey, written independently of the generator so
 * that tests can check any council against them. Returns one message per broken rule.
 *
 * "Pre-birth work" (contacts, referrals, assessments, strategy discussions and S47 enquiries,
 * conferences, CP and CIN plans with their visits and reviews) may precede birth; care, health
 * checks, missing episodes, early help and leaving care may not, and no visit before birth may
 * record the child as seen.
 */
export function journeyViolations(child: ChildRecord, asOf: string): string[] {
  const problems: string[] = [];
  const fail = (message: string) => problems.push(`${child.id}: ${message}`);
  const birth = child.dateOfBirth;
  const afterBirth = (d: string | undefined, what: string) => {
    if (d !== undefined && (birth === undefined || d < birth)) fail(`${what} ${d} before birth ${birth ?? '(unborn)'}`);
  };
  const notFuture = (d: string | undefined, what: string) => {
    if (d !== undefined && d > asOf) fail(`${what} ${d} after as-of ${asOf}`);
  };
  const ordered = (a: string | undefined, b: string | undefined, what: string) => {
    if (a !== undefined && b !== undefined && b < a) fail(`${what}: ${b} before ${a}`);
  };
  const inside = (d: string, start: string, end: string | undefined, what: string) => {
    if (d < start || d > (end ?? asOf)) fail(`${what} ${d} outside ${start}–${end ?? asOf}`);
  };
  const isWeekday = (d: string) => {
    const dow = new Date(`${d}T00:00:00Z`).getUTCDay();
    return dow !== 0 && dow !== 6;
  };

  if (!/^NB\d{6}$/.test(child.id)) fail('child id is not NB + six digits');
  if (birth === undefined && child.expectedDateOfBirth === undefined) fail('neither a date of birth nor an expected one');
  for (const c of child.contacts) notFuture(c.date, 'contact');
  for (const e of child.earlyHelp) {
    afterBirth(e.startDate, 'early help');
    notFuture(e.endDate, 'early help end');
    ordered(e.startDate, e.endDate, 'early help ends before it starts');
  }
  const contactIds = new Set(child.contacts.map((c) => c.id));
  for (const r of child.referrals) {
    notFuture(r.date, 'referral');
    notFuture(r.closeDate, 'referral closure');
    ordered(r.date, r.closeDate, 'referral closed before it was made');
    if (!contactIds.has(r.contactId)) fail(`referral ${r.id} has no contact`);
    for (const a of r.assessments) {
      notFuture(a.authorisedDate, 'assessment authorisation');
      ordered(a.startDate, a.authorisedDate, 'assessment authorised before it started');
      ordered(r.date, a.startDate, 'assessment before its referral');
    }
    for (const s of r.s47s) {
      ordered(r.date, s.strategyDate, 'strategy discussion before its referral');
      notFuture(s.endDate, 'S47 end');
      if (s.icpc) {
        ordered(s.strategyDate, s.icpc.targetDate, 'ICPC target before the strategy discussion');
        ordered(s.strategyDate, s.icpc.date, 'ICPC before the strategy discussion');
        notFuture(s.icpc.date, 'ICPC');
        if (s.icpcNotRequired) fail(`S47 ${s.id} has a conference but says none was needed`);
        if (s.icpc.planResulted !== r.cpPlans.some((p) => p.id === s.icpc?.cpPlanId)) fail(`ICPC ${s.icpc.id} plan link is wrong`);
      }
    }
    for (const p of r.cpPlans) {
      const icpc = r.s47s.find((s) => s.icpc?.id === p.icpcId)?.icpc;
      if (!icpc || icpc.date !== p.startDate) fail(`CP plan ${p.id} does not start on its ICPC`);
      notFuture(p.endDate, 'CP plan end');
      ordered(p.startDate, p.endDate, 'CP plan ends before it starts');
      for (const v of p.visits) {
        inside(v.date, p.startDate, p.endDate, 'CP visit');
        if (!isWeekday(v.date)) fail(`CP visit on a weekend ${v.date}`);
        if ((birth === undefined || v.date < birth) && v.seen) fail(`child seen before birth on ${v.date}`);
      }
      for (const rv of p.reviews) inside(rv.date, p.startDate, p.endDate, 'CP review');
    }
    for (const p of r.cinPlans) {
      notFuture(p.endDate, 'CIN plan end');
      ordered(p.startDate, p.endDate, 'CIN plan ends before it starts');
      for (const v of p.visits) inside(v.date, p.startDate, p.endDate, 'CIN visit');
    }
  }

  let previousEnd: string | undefined;
  for (const period of child.periodsOfCare) {
    afterBirth(period.startDate, 'period of care');
    notFuture(period.endDate, 'end of care');
    ordered(previousEnd, period.startDate, 'periods of care overlap');
    if (previousEnd === undefined && child.periodsOfCare.indexOf(period) > 0) fail('a period of care follows one still open');
    previousEnd = period.endDate;
    const episodes = period.episodes;
    if (episodes.length === 0) fail(`period ${period.id} has no episodes`);
    if (episodes[0]?.rne !== 'S') fail(`period ${period.id} does not start with RNE S`);
    if (episodes[0]?.startDate !== period.startDate) fail(`period ${period.id} first episode does not start with it`);
    episodes.forEach((e, i) => {
      const next = episodes[i + 1];
      if (i > 0 && e.rne === 'S') fail(`episode ${e.id} restarts care inside a period`);
      if (next) {
        if (e.reasonEnded !== 'X1' || e.endDate !== next.startDate) fail(`episode ${e.id} is not continued by the next one`);
      } else {
        if (period.endDate !== e.endDate) fail(`last episode ${e.id} does not end with the period`);
        if (e.reasonEnded === 'X1') fail(`period ${period.id} ends with X1`);
        if (e.endDate !== undefined && e.reasonEnded === undefined) fail(`episode ${e.id} ended without a reason`);
      }
      ordered(e.startDate, e.endDate, 'episode ends before it starts');
      if (!period.placements.some((p) => p.id === e.placementId)) fail(`episode ${e.id} placement missing`);
    });
    for (const rv of period.reviews) {
      inside(rv.date, period.startDate, period.endDate, 'CLA review');
      afterBirth(rv.date, 'CLA review');
    }
    for (const v of period.visits) inside(v.date, period.startDate, period.endDate, 'CLA visit');
    for (const h of period.healthChecks) {
      inside(h.date, period.startDate, period.endDate, 'health check');
      afterBirth(h.date, 'health check');
    }
  }
  for (const m of child.missing) {
    afterBirth(m.startDate, 'missing episode');
    notFuture(m.endDate, 'missing episode end');
    ordered(m.startDate, m.endDate, 'missing episode ends before it starts');
  }
  const leaver = child.careLeaver;
  if (leaver) {
    const left = child.periodsOfCare.find((p) => p.endDate === leaver.startDate);
    if (!left) fail('care leaver support does not start when care ended');
    for (const c of leaver.contacts) {
      notFuture(c.date, 'care leaver contact');
      ordered(leaver.startDate, c.date, 'care leaver contact before leaving care');
    }
  }
  return problems;
}
