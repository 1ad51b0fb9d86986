import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { generateCouncil } from './council.ts';
import type { InjectedFault } from './mess.ts';
import { writeSsd } from './write-ssd.ts';

const council = generateCouncil({ seed: 11, children: 1500, asOf: '2026-03-31' });
const files = writeSsd(council);

type Row = Record<string, string>;
const rows = (text: string | undefined): Row[] => parse(text ?? '', { columns: true, skip_empty_lines: true }) as Row[];
const headerOf = (text: string | undefined): string[] => (text ?? '').split('\n')[0]?.split(',') ?? [];

/** Field lists per SSD table, read from the project's SSD field summary (docs/SSD-FIELDS.md). */
function documentedFields(): Map<string, string[]> {
  const doc = readFileSync('/work/shared/docs/SSD-FIELDS.md', 'utf8');
  const tables = new Map<string, string[]>();
  const sections = doc.split(/^### /m).slice(1);
  for (const section of sections) {
    const name = /^(ssd_\w+)/.exec(section)?.[1];
    if (!name) continue;
    const fromTable = [...section.matchAll(/^\| (\w+) \|/gm)].map((m) => m[1] ?? '').filter((f) => f !== 'field');
    // ssd_department lists its fields in a sentence rather than a table.
    const tokens = [...section.matchAll(/`(\w+)`/g)].map((m) => m[1] ?? '').filter((f) => !f.startsWith('ssd_'));
    const tag = tokens[0]?.split('_')[0] ?? '';
    const inline = tokens.filter((f) => f.startsWith(`${tag}_`));
    tables.set(name, fromTable.length > 0 ? fromTable : [...new Set(inline)]);
  }
  return tables;
}

function weekdaysAfter(iso: string, n: number): string {
  let t = Date.parse(`${iso}T00:00:00Z`);
  for (let left = n; left > 0; ) {
    t += 86_400_000;
    const dow = new Date(t).getUTCDay();
    if (dow !== 0 && dow !== 6) left -= 1;
  }
  return new Date(t).toISOString().slice(0, 10);
}

describe('writeSsd', () => {
  it('writes one CSV per event-bearing SSD table, headed with the documented SSD field names in order', () => {
    const documented = documentedFields();
    const required = [
      'ssd_person',
      'ssd_contacts',
      'ssd_cin_episodes',
      'ssd_cin_assessments',
      'ssd_s47_enquiry',
      'ssd_initial_cp_conference',
      'ssd_cp_plans',
      'ssd_cp_visits',
      'ssd_cp_reviews',
      'ssd_cin_plans',
      'ssd_cin_visits',
      'ssd_cla_episodes',
      'ssd_cla_placement',
      'ssd_cla_reviews',
      'ssd_cla_visits',
      'ssd_cla_health',
      'ssd_care_leavers',
    ];
    for (const table of required) expect(Object.keys(files)).toContain(`${table}.csv`);
    for (const [file, text] of Object.entries(files)) {
      const table = file.replace(/\.csv$/, '');
      expect(documented.has(table), `${table} is described in SSD-FIELDS.md`).toBe(true);
      expect(headerOf(text), table).toEqual(documented.get(table));
    }
  });

  it('carries every visit and review of the model', () => {
    let cpVisits = 0;
    let cinVisits = 0;
    let cpReviews = 0;
    let claVisits = 0;
    let claReviews = 0;
    for (const child of council.children) {
      for (const r of child.referrals) {
        for (const p of r.cpPlans) {
          cpVisits += p.visits.length;
          cpReviews += p.reviews.length;
        }
        for (const p of r.cinPlans) cinVisits += p.visits.length;
      }
      for (const p of child.periodsOfCare) {
        claVisits += p.visits.length;
        claReviews += p.reviews.length;
      }
    }
    expect(rows(files['ssd_cp_visits.csv'])).toHaveLength(cpVisits);
    expect(rows(files['ssd_cin_visits.csv'])).toHaveLength(cinVisits);
    expect(rows(files['ssd_cp_reviews.csv'])).toHaveLength(cpReviews);
    expect(rows(files['ssd_cla_visits.csv'])).toHaveLength(claVisits);
    expect(rows(files['ssd_cla_reviews.csv'])).toHaveLength(claReviews);
    expect(cpVisits).toBeGreaterThan(1000);
  });

  it('links rows by id and keeps each visit inside its plan or period of care', () => {
    const plans = new Map(rows(files['ssd_cp_plans.csv']).map((p) => [p.cppl_cp_plan_id, p]));
    for (const v of rows(files['ssd_cp_visits.csv'])) {
      const plan = plans.get(v.cppv_cp_plan_id);
      expect(plan, v.cppv_cp_visit_id).toBeDefined();
      expect(v.cppv_person_id).toBe(plan?.cppl_person_id);
      const date = v.cppv_cp_visit_date ?? '';
      expect(date >= (plan?.cppl_cp_plan_start_date ?? '')).toBe(true);
      if (plan?.cppl_cp_plan_end_date) expect(date <= plan.cppl_cp_plan_end_date).toBe(true);
    }
    const periods = new Map<string, { start: string; end: string }>();
    for (const e of rows(files['ssd_cla_episodes.csv'])) {
      const id = e.clae_cla_id ?? '';
      const known = periods.get(id);
      const end = e.clae_cla_episode_ceased_date || '9999-12-31';
      periods.set(id, {
        start: known && known.start < (e.clae_cla_episode_start_date ?? '') ? known.start : (e.clae_cla_episode_start_date ?? ''),
        end: known && known.end > end ? known.end : end,
      });
    }
    for (const v of rows(files['ssd_cla_visits.csv'])) {
      const period = periods.get(v.clav_cla_id ?? '');
      expect(period, v.clav_cla_visit_id).toBeDefined();
      const date = v.clav_cla_visit_date ?? '';
      expect(date >= (period?.start ?? '') && date <= (period?.end ?? '')).toBe(true);
    }
    const people = new Set(rows(files['ssd_person.csv']).map((p) => p.pers_person_id));
    for (const c of rows(files['ssd_cin_episodes.csv'])) expect(people.has(c.cine_person_id)).toBe(true);
  });

  it('sets each ICPC target 15 working days after the strategy discussion that started the enquiry', () => {
    const enquiries = new Map(rows(files['ssd_s47_enquiry.csv']).map((s) => [s.s47e_s47_enquiry_id, s]));
    const conferences = rows(files['ssd_initial_cp_conference.csv']);
    expect(conferences.length).toBeGreaterThan(20);
    for (const c of conferences) {
      const start = enquiries.get(c.icpc_s47_enquiry_id)?.s47e_s47_start_date ?? '';
      expect(c.icpc_icpc_target_date).toBe(weekdaysAfter(start, 15));
    }
  });

  it('writes ISO dates and valid JSON outcome columns', () => {
    for (const a of rows(files['ssd_cin_assessments.csv'])) {
      expect(a.cina_assessment_start_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(() => JSON.parse(a.cina_assessment_outcome_json ?? '')).not.toThrow();
    }
    for (const c of rows(files['ssd_contacts.csv'])) expect(JSON.parse(c.cont_contact_outcome_json ?? '')).toHaveProperty('NEW_REFERRAL_FLAG');
  });

  it('is deterministic', () => {
    expect(writeSsd(council)).toEqual(files);
  });

  it('messy variant: SQL Server datetimes in some tables and the SystemC sentinels', () => {
    const messy = writeSsd(council, { messy: true });
    const all = Object.values(messy).join('\n');
    expect(all).toMatch(/\d{4}-\d{2}-\d{2} 00:00:00\.000/);
    expect(rows(messy['ssd_early_help_episodes.csv']).every((e) => e.earl_episode_worker_id === 'SSD_PH')).toBe(true);
    const open = rows(files['ssd_cin_assessments.csv']).filter((a) => a.cina_assessment_auth_date === '').length;
    const sentinels = rows(messy['ssd_cin_assessments.csv']).filter((a) => a.cina_assessment_auth_date?.startsWith('1900-01-01')).length;
    expect(open).toBeGreaterThan(0);
    expect(sentinels).toBe(open);
  });

  it('injects the requested share of broken rows and reports each one where it is', () => {
    const faults: InjectedFault[] = [];
    const broken = writeSsd(council, { errorRate: 0.01, faults });
    const totalRows = Object.values(files).reduce((n, text) => n + rows(text).length, 0);
    expect(faults.length).toBeGreaterThan(totalRows * 0.005);
    expect(faults.length).toBeLessThan(totalRows * 0.02);
    expect(new Set(faults.map((f) => f.kind))).toEqual(new Set(['missing-value', 'impossible-date']));
    const faultCells = new Set(faults.map((f) => `${f.file}|${f.row}|${f.column}`));
    for (const [file, text] of Object.entries(broken)) {
      const clean = rows(files[file]);
      rows(text).forEach((row, i) => {
        for (const [column, value] of Object.entries(row)) {
          const key = `${file}|${i + 2}|${column}`;
          if (!faultCells.has(key)) {
            expect(value, key).toBe(clean[i]?.[column]);
          } else if (value !== '') {
            expect(value).toMatch(/^\d{4}-(02-3[01]|(04|06|09|11)-31)$/);
          }
        }
      });
    }
  });
});
