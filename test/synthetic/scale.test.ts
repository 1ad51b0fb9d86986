import { describe, expect, it } from 'vitest';
import { generateCouncil } from './council.ts';
import type { Council } from './model.ts';

/** Dated events the extracts would carry, counted straight from the model. */
function events(council: Council): number {
  let n = 0;
  for (const child of council.children) {
    n += child.contacts.length + child.earlyHelp.length + child.missing.length + (child.careLeaver?.contacts.length ?? 0);
    for (const r of child.referrals) {
      n += 1 + r.assessments.length + r.s47s.length + r.s47s.filter((s) => s.icpc?.date).length;
      for (const p of r.cinPlans) n += 1 + p.visits.length;
      for (const p of r.cpPlans) n += 1 + p.visits.length + p.reviews.length;
    }
    for (const p of child.periodsOfCare) n += p.episodes.length + p.reviews.length + p.visits.length + p.healthChecks.length;
  }
  return n;
}

describe('a large council', () => {
  it('generates 50,000 children and about a million events over five years', () => {
    const heapBefore = process.memoryUsage().heapUsed;
    const started = performance.now();
    const council = generateCouncil({ seed: 2026, children: 50_000, asOf: '2026-03-31' });
    const seconds = (performance.now() - started) / 1000;
    const heapAfter = process.memoryUsage().heapUsed;
    const count = events(council);
    expect(council.children).toHaveLength(50_000);
    expect(count).toBeGreaterThan(800_000);
    expect(count).toBeLessThan(1_300_000);
    // Measured, not asserted: the figures go in the report (no wall-clock limits in tests).
    process.stdout.write(
      `[synthetic] 50,000 children, ${count} events: generated in ${seconds.toFixed(1)} s; ` +
        `heap grew ${Math.round((heapAfter - heapBefore) / 1e6)} MB, peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB\n`,
    );
  }, 180_000);
});
