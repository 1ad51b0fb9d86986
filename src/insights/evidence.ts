/**
 * Ofsted evidence: for each outcome measure (seed 001) and each ILACS judgement area, what
 * Sightline holds that evidences it. The catalogue's mapping (standards/mappings) links audit
 * criteria and areas, and practice standards, to the measures; from those links come
 * - the grades of the mapped criteria in the period (settled: moderated where moderated),
 * - the timeliness of the deadlines computed from the mapped practice standards,
 * - the actions set in audits where a mapped criterion was graded below good,
 * and, by the links below (ours, with their reasons), the national deadlines and family feedback.
 * Each judgement area also lists its strengths and areas for development by theme.
 *
 * The seed's measures come from Ofsted's earlier framework and cover three of the ILACS
 * judgements; ILACS also judges the experiences and progress of children in care, for which
 * the evidence is the audits of children looked after and care leavers and the deadlines that
 * only apply to them.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../platform/db/client.ts';
import { mappedTo, type EvidenceLink } from '../standards/present.ts';
import { getPublishedVersion } from '../standards/versions/service.ts';
import { NotFoundError } from '../platform/auth/actor.ts';
import type { CaseType, OutcomeMeasures } from '../standards/schema.ts';
import { AUDIT_FROM, completedSql, goodSql, SETTLED_GRADE } from './audit-sql.ts';
import type { InsightContext } from './context.ts';
import { drillHref, periodLabel, type InsightFilter } from './filters.ts';
import { GradeTallies } from './grade-counts.ts';
import { itemRows } from './practice-quality.ts';
import { share } from './statistics.ts';
import { count, decimal, percentage, text, type Cell, type Figure } from './tables.ts';
import { complianceRate, storedCompliance, type ComplianceCount, type ComplianceSource } from './timeliness.ts';
import { commonScale, isGoodOrBetter, itemLabels, rankOf } from './tools.ts';

export const OUTCOME_MEASURES_ID = 'ofsted-outcome-measures';

/**
 * Evidence linked here rather than in the catalogue's mapping file, because it is not a criterion
 * or a practice standard: the national deadlines and family feedback. Each with why.
 */
export const NATIONAL_DEADLINE_LINKS: Record<string, { measures: string[]; reasoning: string }> = {
  'assessment-45wd': { measures: ['3.14'], reasoning: 'Measure 3.14 asks that assessments are timely; 45 working days is the statutory limit.' },
  'icpc-15wd': { measures: ['3.13'], reasoning: 'A conference within 15 working days of the strategy discussion is the timely end of the section 47 enquiry measure 3.13 asks for.' },
  'cp-visit-10wd': { measures: ['3.1'], reasoning: 'Visits at least every 10 working days are how children on a protection plan are consistently seen (3.1).' },
};

export const FEEDBACK_MEASURES: Record<string, string> = {
  '1.2': 'Seeking the views of children and families after each audit is how they are listened to and used to inform practice.',
  '2.5': 'Families’ ratings say whether they feel they have been effectively helped.',
  '4.7': 'Feedback after audits is a mechanism for feedback from children, young people and families.',
};

/** The overall judgement of every audit evidences measure 1.3 (see the mapping file's method). */
export const OVERALL_JUDGEMENT_MEASURE = '1.3';

export interface JudgementArea {
  title: string;
  /** The case types whose audits and deadlines evidence it; empty means all. */
  caseTypes: CaseType[];
  measures: Array<{ id: string; text: string }>;
}

const CHILDREN_IN_CARE = 'The experiences and progress of children in care and care leavers';
const CARE_DEADLINES = ['cla-health-assessment', 'cla-review'];

interface EvidenceModel {
  areas: JudgementArea[];
  links: ReadonlyMap<string, EvidenceLink[]>;
  /** practice-standards catalogue#standard id → its timescales' ids (the local deadline measures). */
  timescales: ReadonlyMap<string, string[]>;
}

/**
 * The measures, the mapping and the practice standards' timescales, kept while the catalogue's
 * current versions stay the same (published versions never change).
 */
export class EvidenceLibrary {
  private readonly cache = new Map<string, { key: string; model: EvidenceModel }>();

  async load(db: Db, organisationId: string): Promise<EvidenceModel> {
    const versions = await queryRows<{ id: string; version: number }>(
      db,
      sql`select catalogue_id as "id", current_version as "version" from catalogue_entries where organisation_id = ${organisationId} and current_version is not null order by catalogue_id`,
    );
    const key = versions.map((v) => `${v.id}@${v.version}`).join(',');
    const cached = this.cache.get(organisationId);
    if (cached?.key === key) return cached.model;
    const model = await build(db, organisationId);
    this.cache.set(organisationId, { key, model });
    return model;
  }
}

async function build(db: Db, organisationId: string): Promise<EvidenceModel> {
  const [links, measures, standards] = await Promise.all([
    mappedTo(db, organisationId),
    getPublishedVersion(db, organisationId, OUTCOME_MEASURES_ID).then((v) => (v.file.kind === 'outcome-measures' ? v.file : undefined)),
    queryRows<{ id: string; content: { kind: string; sections?: Array<{ standards: Array<{ id: string; timescales: Array<{ id: string }> }> }> } }>(
      db,
      sql`select e.catalogue_id as "id", v.content as "content" from catalogue_entries e
          join catalogue_versions v on v.organisation_id = e.organisation_id and v.catalogue_id = e.catalogue_id and v.version = e.current_version
          where e.organisation_id = ${organisationId} and e.kind = 'practice-standards' and e.retired_at is null`,
    ),
  ]);
  if (!measures) throw new NotFoundError('The Ofsted outcome measures are not in the catalogue.');
  const timescales = new Map<string, string[]>();
  for (const file of standards) for (const section of file.content.sections ?? []) for (const s of section.standards) timescales.set(`${file.id}#${s.id}`, s.timescales.map((t) => t.id));
  return { areas: judgementAreas(measures), links, timescales };
}

/** ILACS judgement areas in the order the measures' groups give them, then children in care. */
export function judgementAreas(file: OutcomeMeasures): JudgementArea[] {
  const areas: JudgementArea[] = [];
  for (const group of file.groups) {
    const title = group.judgementArea ?? group.title;
    let area = areas.find((a) => a.title === title);
    if (!area) {
      area = { title, caseTypes: [], measures: [] };
      areas.push(area);
    }
    area.measures.push(...group.measures.map((m) => ({ id: m.id, text: m.text })));
  }
  areas.push({ title: CHILDREN_IN_CARE, caseTypes: ['cla', 'care-leaver'], measures: [] });
  return areas;
}

export interface AreaEvidence {
  title: string;
  summary: Figure;
  themes: Figure;
  measures?: Figure;
  items?: Figure;
}

export interface Evidence {
  period: string;
  areas: AreaEvidence[];
}

interface ActionsByItem {
  toolId: string;
  areaId: string;
  criterionId: string;
  actions: number;
  signedOff: number;
}

export async function ofstedEvidence(ctx: InsightContext, library: EvidenceLibrary, source: ComplianceSource = storedCompliance): Promise<Evidence> {
  const { filter, tools } = ctx;
  const model = await library.load(ctx.db, ctx.actor.organisationId);
  const base = completedSql(ctx.scope, filter);
  const k = commonScale(tools);
  const below = sql`not ${goodSql(tools, sql`audits.tool_id`, sql`coalesce(m.grade, r.grade)`)}`;
  const [items, compliance, described, itemActions, byCaseType, feedback, themeRows] = await Promise.all([
    itemRows(ctx),
    source.counts(ctx.db, { scope: ctx.scope, filter, from: filter.from, to: filter.to, today: ctx.today }),
    source.describe(ctx.db, ctx.actor.organisationId),
    queryRows<ActionsByItem>(
      ctx.db,
      sql`select audits.tool_id as "toolId", r.area_id as "areaId", r.criterion_id as "criterionId",
            count(distinct x.id)::int as "actions", (count(distinct x.id) filter (where x.status = 'signed-off'))::int as "signedOff"
          ${AUDIT_FROM}
          join audit_responses r on r.audit_id = audits.id and r.stage = 'audit' and r.grade is not null
          left join audit_moderations mo on mo.audit_id = audits.id and mo.completed_at is not null
          left join audit_responses m on mo.audit_id is not null and m.audit_id = audits.id and m.stage = 'moderation' and m.area_id = r.area_id and m.criterion_id = r.criterion_id
          join actions x on x.audit_id = audits.id and x.status <> 'cancelled'
          where ${base} and ${below}
          group by 1, 2, 3`,
    ),
    queryRows<{ caseType: string | null; toolId: string; grade: string; n: number; actions: number; signedOff: number }>(
      ctx.db,
      sql`select c.case_type as "caseType", audits.tool_id as "toolId", ${SETTLED_GRADE} as "grade", count(*)::int as "n",
            coalesce(sum((select count(*) from actions x where x.audit_id = audits.id and x.status <> 'cancelled')), 0)::int as "actions",
            coalesce(sum((select count(*) from actions x where x.audit_id = audits.id and x.status = 'signed-off')), 0)::int as "signedOff"
          ${AUDIT_FROM} where ${base} group by 1, 2, 3`,
    ),
    queryRows<{ caseType: string | null; audits: number; sought: number; rated: number; ratingSum: number }>(
      ctx.db,
      sql`select c.case_type as "caseType", count(*)::int as "audits",
            (count(*) filter (where exists (select 1 from audit_family_feedback f where f.audit_id = audits.id and f.respondent is not null)))::int as "sought",
            coalesce(sum((select count(f.rating) from audit_family_feedback f where f.audit_id = audits.id)), 0)::int as "rated",
            coalesce(sum((select sum(f.rating) from audit_family_feedback f where f.audit_id = audits.id)), 0)::int as "ratingSum"
          ${AUDIT_FROM} where ${base} group by 1`,
    ),
    queryRows<{ caseType: string | null; themeId: string; name: string; kind: string; n: number }>(
      ctx.db,
      sql`select c.case_type as "caseType", l.id as "themeId", l.name as "name", th.kind as "kind", count(*)::int as "n"
          ${AUDIT_FROM} join audit_themes th on th.audit_id = audits.id join audit_themes_list l on l.id = th.theme_id
          where ${base} group by 1, 2, 3, 4`,
    ),
  ]);

  const itemTallies = new GradeTallies<string>(k);
  for (const r of items) itemTallies.add(`${r.toolId}#${r.areaId}/${r.criterionId}`, tools, r.toolId, r.grade, r.n, r.toolVersion);
  const actionsOf = new Map(itemActions.map((a) => [`${a.toolId}#${a.areaId}/${a.criterionId}`, a]));
  const complianceBy = new Map<string, ComplianceCount>();
  for (const c of compliance) {
    const t = complianceBy.get(c.measure) ?? { measure: c.measure, teamId: null, month: '', met: 0, late: 0, overdue: 0, pending: 0 };
    t.met += c.met;
    t.late += c.late;
    t.overdue += c.overdue;
    t.pending += c.pending;
    complianceBy.set(c.measure, t);
  }
  const deadlineLabel = (id: string) => described.labels.get(id) ?? id;
  const period = periodLabel(filter.from, filter.to);
  const link = (narrow: Partial<InsightFilter>, drill: Parameters<typeof drillHref>[1]) => drillHref({ ...filter, ...narrow }, drill);

  /** The audit items mapped to a measure, as keys into the tallies. */
  const auditItems = (measureId: string) =>
    (model.links.get(measureId) ?? [])
      .filter((l) => tools.has(l.catalogueId))
      .map((l) => {
        const [areaId, criterionId = ''] = l.item.split('/') as [string, string?];
        return { link: l, toolId: l.catalogueId, areaId, criterionId, key: `${l.catalogueId}#${areaId}/${criterionId}` };
      });
  /** The deadline measures evidencing a measure: local timescales of mapped standards, and national ones. */
  const deadlines = (measureId: string) => {
    const ids = new Set<string>();
    for (const l of model.links.get(measureId) ?? []) for (const t of model.timescales.get(`${l.catalogueId}#${l.item}`) ?? []) ids.add(t);
    for (const [id, link] of Object.entries(NATIONAL_DEADLINE_LINKS)) if (link.measures.includes(measureId)) ids.add(id);
    return [...ids].filter((id) => complianceBy.has(id));
  };

  const areas: AreaEvidence[] = model.areas.map((area, index) => {
    const inArea = (caseType: string | null) => area.caseTypes.length === 0 || (caseType !== null && (area.caseTypes as string[]).includes(caseType));
    const audits = byCaseType.filter((r) => inArea(r.caseType));
    const total = audits.reduce((s, r) => s + r.n, 0);
    const good = audits.filter((r) => isGoodOrBetter(tools, r.toolId, rankOf(tools, r.toolId, r.grade))).reduce((s, r) => s + r.n, 0);
    const adequate = audits.filter((r) => (rankOf(tools, r.toolId, r.grade) ?? k) < k).reduce((s, r) => s + r.n, 0);
    const actions = audits.reduce((s, r) => s + r.actions, 0);
    const signedOff = audits.reduce((s, r) => s + r.signedOff, 0);
    const fb = feedback.filter((r) => inArea(r.caseType));
    const fbAudits = fb.reduce((s, r) => s + r.audits, 0);
    const sought = fb.reduce((s, r) => s + r.sought, 0);
    const rated = fb.reduce((s, r) => s + r.rated, 0);
    const ratingSum = fb.reduce((s, r) => s + r.ratingSum, 0);
    const areaDeadlines = area.caseTypes.length ? CARE_DEADLINES.filter((id) => complianceBy.has(id)) : [...new Set(area.measures.flatMap((m) => deadlines(m.id)))];
    const areaCompliance = areaDeadlines.reduce((t, id) => {
      const c = complianceBy.get(id)!;
      return { met: t.met + c.met, late: t.late + c.late, overdue: t.overdue + c.overdue, pending: t.pending + c.pending };
    }, { met: 0, late: 0, overdue: 0, pending: 0 });
    const caseNarrow = (): Partial<InsightFilter> => (area.caseTypes.length === 1 ? { caseType: area.caseTypes[0] } : {});
    const areaLink = area.caseTypes.length <= 1;
    const themeCount = (id: string, test: (kind: string) => boolean) => themeRows.filter((t) => t.themeId === id && inArea(t.caseType) && test(t.kind)).reduce((s, t) => s + t.n, 0);
    const themeIds = [...new Map(themeRows.filter((t) => inArea(t.caseType)).map((t) => [t.themeId, t.name])).entries()].sort((a, b) => a[1].localeCompare(b[1]));

    const result: AreaEvidence = {
      title: area.title,
      summary: {
        table: {
          id: `area-${index + 1}-summary`,
          caption: `${area.title}: the evidence held`,
          columns: [{ label: 'Evidence' }, { label: 'Figure', numeric: true }, { label: 'Rests on', numeric: true }],
          rows: [
            [text(area.caseTypes.length ? 'Audits of children looked after and care leavers completed' : 'Audits completed'), count(total, areaLink && total ? link(caseNarrow(), {}) : undefined), text('')],
            [text('Audits graded good or better'), percentage(share(good, total)), count(good, areaLink && good ? link(caseNarrow(), { goodOrBetter: true }) : undefined)],
            [text('Audits graded better than inadequate'), percentage(share(adequate, total)), count(adequate)],
            [text('Deadlines met on time'), percentage(complianceRate(areaCompliance)), count(areaCompliance.met + areaCompliance.late + areaCompliance.overdue)],
            [text('Actions from these audits signed off'), percentage(share(signedOff, actions)), count(actions)],
            [text('Audits where family feedback was sought'), percentage(share(sought, fbAudits)), count(sought, areaLink && sought ? link(caseNarrow(), { feedback: 'sought' }) : undefined)],
            [text('Average family rating (1 to 5)'), decimal(rated ? ratingSum / rated : null, 1), count(rated)],
          ],
          empty: '',
        },
      },
      themes: {
        table: {
          id: `area-${index + 1}-themes`,
          caption: `${area.title}: strengths and areas for development by theme`,
          columns: [{ label: 'Theme' }, { label: 'Found as a strength', numeric: true }, { label: 'Found as an area for development', numeric: true }],
          rows: themeIds.map(([id, name]) => [
            text(name),
            count(themeCount(id, (kind) => kind === 'strength'), areaLink ? link(caseNarrow(), { theme: id }) : undefined),
            count(themeCount(id, (kind) => kind !== 'strength'), areaLink ? link(caseNarrow(), { theme: id }) : undefined),
          ]),
          empty: 'No audit in this period was tagged with a theme.',
        },
        summary: 'Areas for development are themes found as a barrier or a recurring issue.',
      },
    };

    if (area.measures.length) {
      const measureRows: Cell[][] = area.measures.map((m) => {
        const mapped = auditItems(m.id);
        const tally = mapped.reduce(
          (t, i) => {
            const x = itemTallies.get(i.key);
            return { total: t.total + x.total, good: t.good + x.goodOrBetter };
          },
          { total: 0, good: 0 },
        );
        const acts = mapped.reduce((t, i) => ({ actions: t.actions + (actionsOf.get(i.key)?.actions ?? 0), signedOff: t.signedOff + (actionsOf.get(i.key)?.signedOff ?? 0) }), { actions: 0, signedOff: 0 });
        const ds = deadlines(m.id);
        const overall = m.id === OVERALL_JUDGEMENT_MEASURE;
        return [
          text(`${m.id} ${m.text}`),
          count(overall ? total : mapped.length),
          count(overall ? total : tally.total),
          percentage(overall ? share(good, total) : share(tally.good, tally.total)),
          text(ds.length ? ds.map((id) => `${deadlineLabel(id)} (${percentage(complianceRate(complianceBy.get(id)!)).text})`).join('; ') : ''),
          count(acts.actions),
          count(acts.signedOff),
          text(FEEDBACK_MEASURES[m.id] ? `${percentage(share(sought, fbAudits)).text} of audits sought feedback; average rating ${decimal(rated ? ratingSum / rated : null, 1).text}` : ''),
        ];
      });
      result.measures = {
        table: {
          id: `area-${index + 1}-measures`,
          caption: `${area.title}: evidence for each outcome measure`,
          columns: [
            { label: 'Outcome measure' },
            { label: 'Criteria mapped', numeric: true },
            { label: 'Grades given', numeric: true },
            { label: 'Good or better', numeric: true },
            { label: 'Deadlines (met on time)' },
            { label: 'Actions where graded below good', numeric: true },
            { label: 'Of which signed off', numeric: true },
            { label: 'Family feedback' },
          ],
          rows: measureRows,
          empty: '',
        },
        summary: `Measure ${OVERALL_JUDGEMENT_MEASURE} is evidenced by every audit’s overall judgement; the others by the criteria the catalogue’s mapping links to them. Measures with nothing mapped are evidenced outside case audits (strategy, governance, the workforce).`,
      };
      const detail: Cell[][] = [];
      for (const m of area.measures) {
        for (const i of auditItems(m.id)) {
          const tool = tools.get(i.toolId)!;
          const label = itemLabels(tool.current).find((l) => l.areaId === i.areaId && l.criterionId === i.criterionId)?.label ?? i.link.label;
          const x = itemTallies.get(i.key);
          detail.push([
            text(`${m.id}: ${tool.title}, ${label}`),
            count(x.total, link({ toolId: i.toolId }, { area: i.areaId, criterion: i.criterionId })),
            percentage(share(x.goodOrBetter, x.total)),
            count(x.worst, link({ toolId: i.toolId }, { area: i.areaId, criterion: i.criterionId, itemRank: k })),
          ]);
        }
      }
      result.items = {
        table: {
          id: `area-${index + 1}-criteria`,
          caption: `${area.title}: each criterion mapped to a measure`,
          columns: [{ label: 'Measure and criterion' }, { label: 'Grades given', numeric: true }, { label: 'Good or better', numeric: true }, { label: 'Inadequate', numeric: true }],
          rows: detail,
          empty: 'No audit criterion is mapped to these measures.',
        },
      };
    }
    return result;
  });
  return { period, areas };
}
