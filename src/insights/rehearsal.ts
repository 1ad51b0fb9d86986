/**
 * Inspection rehearsal: inspectors choose children's cases across the service, by case type, and
 * read them against their own idea of good. The rehearsal does the same with the council's own
 * machinery: a programme of its own, a round drawn by the audit programme's sampling (stratified
 * by case type, so each case type gets its proportional share, drawn at random across the teams
 * that hold it; recently audited cases are not left out, as an inspector would not leave them
 * out), allocated to auditors as ordinary audits. As the audits are moderated, the report shows
 * how the council's own grades held up under a second look.
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import { childVisibleSql } from '../restrictions/visibility.ts';
import { z } from 'zod';
import { queryRows, type Db } from '../platform/db/client.ts';
import { NotFoundError, requireCapability, type Actor } from '../platform/auth/actor.ts';
import { calendarFor } from '../platform/calendar/closures.ts';
import { rounds } from '../audits/schema.ts';
import { createProgramme, programmeChoices } from '../audits/programme/service.ts';
import { allocateRound, drawRound } from '../audits/programme/rounds.ts';
import { CASE_TYPES } from '../cases/manual/case-types.ts';
import { emptyTable, addPair, summariseAgreement, type AgreementSummary } from './statistics.ts';
import { CASE_TYPE_WORDS, drillHref, monthOf, type InsightFilter } from './filters.ts';
import { commonScale, rankOf, type Tools } from './tools.ts';
import { count, decimal, percentage, text, type Figure } from './tables.ts';
import { rehearsals } from './schema.ts';

const list = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]).filter((s) => s !== ''));

const whole = (what: string, min: number, max: number) =>
  z
    .string({ error: `Enter the ${what}` })
    .trim()
    .regex(/^\d+$/, `The ${what} must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().min(min, `The ${what} must be a whole number from ${min} to ${max}`).max(max, `The ${what} must be a whole number from ${min} to ${max}`));

export const RehearsalInput = z.object({
  title: z.string({ error: 'Enter a name for the rehearsal' }).trim().min(1, 'Enter a name for the rehearsal').max(100, 'The name must be 100 characters or fewer'),
  toolId: z.string({ error: 'Select the audit tool' }).trim().min(1, 'Select the audit tool'),
  caseTypes: list.pipe(z.array(z.enum(CASE_TYPES, { message: 'Select case types from the list' })).min(1, 'Select at least one case type')),
  sampleSize: whole('number of cases', 1, 200),
  auditorIds: list.pipe(z.array(z.uuid({ message: 'Select auditors from the list' })).min(1, 'Select at least one auditor')),
  dueInWorkingDays: whole('number of working days to complete the audits', 1, 60),
});
export type RehearsalInput = z.infer<typeof RehearsalInput>;

export interface RehearsalChoices {
  tools: Array<{ value: string; text: string }>;
  auditors: Array<{ value: string; text: string; hint: string }>;
  caseTypes: Array<{ value: string; text: string }>;
}

export async function rehearsalChoices(db: Db, actor: Actor): Promise<RehearsalChoices> {
  requireCapability(actor, 'insights.rehearse');
  const choices = await programmeChoices(db, actor);
  return { tools: choices.tools, auditors: choices.auditors, caseTypes: CASE_TYPES.map((value) => ({ value, text: CASE_TYPE_WORDS[value] })) };
}

/**
 * Creates the rehearsal's programme, draws its round and allocates it. The draw is recorded
 * before allocation: if allocation is refused (the tool retired meanwhile), the round stays
 * drawn and the QA team can allocate it from the round's page.
 */
export async function startRehearsal(db: Db, actor: Actor, input: RehearsalInput, today: string): Promise<{ roundId: string; allocated: number; notAllocated: number }> {
  requireCapability(actor, 'insights.rehearse');
  requireCapability(actor, 'programme.manage');
  const calendar = await calendarFor(db, actor.organisationId);
  const programmeId = await createProgramme(db, actor, {
    title: `Inspection rehearsal: ${input.title}`,
    activity: null,
    toolId: input.toolId,
    cadence: 'annual',
    ownerId: actor.userId,
    startsOn: today,
    auditorIds: input.auditorIds,
    caseTypes: input.caseTypes,
    sampleSize: input.sampleSize,
    exclusionMonths: 0,
    dueInWorkingDays: input.dueInWorkingDays,
    schedule: [],
  });
  const roundId = await drawRound(
    db,
    actor,
    programmeId,
    {
      title: input.title,
      method: 'stratified',
      stratifyBy: 'caseType',
      target: undefined,
      sampleSize: input.sampleSize,
      exclusionMonths: 0,
      seed: null,
      auditorIds: input.auditorIds,
      dueDate: calendar.addWorkingDays(today, input.dueInWorkingDays),
    },
    today,
  );
  await db.insert(rehearsals).values({ roundId, organisationId: actor.organisationId, programmeId, caseTypes: input.caseTypes, sampleSize: input.sampleSize, createdBy: actor.userId });
  const result = await allocateRound(db, actor, roundId, today);
  return { roundId, ...result };
}

export interface RehearsalListing {
  roundId: string;
  title: string;
  drawnAt: Date;
  caseTypes: string[];
  sampleSize: number;
  audits: number;
  moderated: number;
}

export async function listRehearsals(db: Db, actor: Actor): Promise<RehearsalListing[]> {
  requireCapability(actor, 'insights.calibration');
  const rows = await db
    .select({
      roundId: rehearsals.roundId,
      title: rounds.title,
      drawnAt: rounds.drawnAt,
      caseTypes: rehearsals.caseTypes,
      sampleSize: rehearsals.sampleSize,
      audits: sql<number>`(select count(*)::int from audits a where a.round_id = ${rehearsals.roundId} and a.status <> 'cancelled' and ${childVisibleSql(actor, sql`a.child_id`)})`,
      moderated: sql<number>`(select count(*)::int from audits a join audit_moderations mo on mo.audit_id = a.id and mo.completed_at is not null where a.round_id = ${rehearsals.roundId} and ${childVisibleSql(actor, sql`a.child_id`)})`,
    })
    .from(rehearsals)
    .innerJoin(rounds, eq(rounds.id, rehearsals.roundId))
    .where(eq(rehearsals.organisationId, actor.organisationId))
    .orderBy(desc(rehearsals.createdAt));
  return rows;
}

interface RoundAudit {
  id: string;
  status: string;
  teamName: string | null;
  caseType: string | null;
  toolId: string;
  toolVersion: number;
  finalGrade: string | null;
  moderatedGrade: string | null;
  moderated: boolean;
  submittedAt: Date | string | null;
}

export interface RehearsalReport {
  roundId: string;
  title: string;
  drawnAt: Date;
  caseTypes: string[];
  sampleSize: number;
  /** Audits in the round (not cancelled), submitted, and moderated. */
  progress: { audits: number; submitted: number; moderated: number };
  overall: AgreementSummary;
  items: AgreementSummary;
  byCaseType: Figure;
  audits: Figure;
}

type HeldUp = 'agreed' | 'lowered' | 'raised' | 'not moderated';

function heldUp(tools: Tools, a: RoundAudit): HeldUp {
  if (!a.moderated || !a.moderatedGrade) return 'not moderated';
  const before = rankOf(tools, a.toolId, a.finalGrade, a.toolVersion);
  const after = rankOf(tools, a.toolId, a.moderatedGrade, a.toolVersion);
  if (before === undefined || after === undefined || before === after) return 'agreed';
  return after > before ? 'lowered' : 'raised';
}

const HELD_UP_WORDS: Record<HeldUp, string> = { agreed: 'Grade held', lowered: 'Lowered by the moderator', raised: 'Raised by the moderator', 'not moderated': 'Not moderated yet' };

export async function rehearsalReport(db: Db, actor: Actor, tools: Tools, roundId: string, today: string): Promise<RehearsalReport> {
  requireCapability(actor, 'insights.calibration');
  const [rehearsal] = await db
    .select({ roundId: rehearsals.roundId, title: rounds.title, drawnAt: rounds.drawnAt, caseTypes: rehearsals.caseTypes, sampleSize: rehearsals.sampleSize })
    .from(rehearsals)
    .innerJoin(rounds, eq(rounds.id, rehearsals.roundId))
    .where(and(eq(rehearsals.roundId, roundId), eq(rehearsals.organisationId, actor.organisationId)));
  if (!rehearsal) throw new NotFoundError();
  const [auditRows, itemRows] = await Promise.all([
    queryRows<RoundAudit>(
      db,
      sql`select audits.id as "id", audits.status as "status", t.name as "teamName", c.case_type as "caseType", audits.tool_id as "toolId", audits.tool_version as "toolVersion",
            audits.final_grade as "finalGrade", audits.moderated_grade as "moderatedGrade",
            exists (select 1 from audit_moderations mo where mo.audit_id = audits.id and mo.completed_at is not null) as "moderated",
            audits.submitted_at as "submittedAt"
          from audits join children c on c.id = audits.child_id left join teams t on t.id = audits.team_id
          where audits.round_id = ${roundId} and audits.organisation_id = ${actor.organisationId} and audits.status <> 'cancelled' and ${childVisibleSql(actor, sql`audits.child_id`)}
          order by c.case_type, t.name`,
    ),
    queryRows<{ toolId: string; toolVersion: number; first: string; second: string; n: number }>(
      db,
      sql`select audits.tool_id as "toolId", audits.tool_version as "toolVersion", r.grade as "first", m.grade as "second", count(*)::int as "n"
          from audits join audit_moderations mo on mo.audit_id = audits.id and mo.completed_at is not null
          join audit_responses r on r.audit_id = audits.id and r.stage = 'audit' and r.grade is not null
          join audit_responses m on m.audit_id = audits.id and m.stage = 'moderation' and m.area_id = r.area_id and m.criterion_id = r.criterion_id and m.grade is not null
          where audits.round_id = ${roundId} and audits.organisation_id = ${actor.organisationId} and ${childVisibleSql(actor, sql`audits.child_id`)}
          group by 1, 2, 3, 4`,
    ),
  ]);
  const k = commonScale(tools);
  const overallTable = emptyTable(k);
  for (const a of auditRows) {
    if (!a.moderated || !a.moderatedGrade) continue;
    const before = rankOf(tools, a.toolId, a.finalGrade, a.toolVersion);
    const after = rankOf(tools, a.toolId, a.moderatedGrade, a.toolVersion);
    if (before !== undefined && after !== undefined) addPair(overallTable, before, after);
  }
  const itemTable = emptyTable(k);
  for (const r of itemRows) {
    const a = rankOf(tools, r.toolId, r.first, r.toolVersion);
    const b = rankOf(tools, r.toolId, r.second, r.toolVersion);
    if (a !== undefined && b !== undefined) addPair(itemTable, a, b, r.n);
  }
  // Links to the audits behind a figure cover every month since the draw.
  const filter: InsightFilter = { from: monthOf(rehearsal.drawnAt.toISOString()), to: monthOf(today) };
  const link = (caseType: string, drill: Parameters<typeof drillHref>[1]) =>
    drillHref({ ...filter, caseType: caseType ? (caseType as InsightFilter['caseType']) : undefined }, { round: roundId, ...drill });
  const caseTypes = [...new Set(auditRows.map((a) => a.caseType ?? ''))].sort();
  const typeWord = (t: string) => (t ? (CASE_TYPE_WORDS[t as keyof typeof CASE_TYPE_WORDS] ?? t) : 'Not recorded');
  const gradeName = (toolId: string, grade: string | null) => (grade ? (tools.get(toolId)?.current.scale.grades.find((g) => g.id === grade)?.label ?? grade) : 'Not graded yet');
  return {
    roundId,
    title: rehearsal.title,
    drawnAt: rehearsal.drawnAt,
    caseTypes: rehearsal.caseTypes,
    sampleSize: rehearsal.sampleSize,
    progress: { audits: auditRows.length, submitted: auditRows.filter((a) => a.submittedAt !== null).length, moderated: auditRows.filter((a) => a.moderated).length },
    overall: summariseAgreement(overallTable),
    items: summariseAgreement(itemTable),
    byCaseType: {
      table: {
        id: 'by-case-type',
        caption: 'How the grades held up, by case type',
        columns: [
          { label: 'Case type' },
          { label: 'Audits', numeric: true },
          { label: 'Submitted', numeric: true },
          { label: 'Moderated', numeric: true },
          { label: 'Grade held', numeric: true },
          { label: 'Lowered', numeric: true },
          { label: 'Raised', numeric: true },
          { label: 'Held, of those moderated', numeric: true },
        ],
        rows: caseTypes.map((t) => {
          const these = auditRows.filter((a) => (a.caseType ?? '') === t);
          const n = (h: HeldUp) => these.filter((a) => heldUp(tools, a) === h).length;
          const moderated = these.filter((a) => a.moderated).length;
          return [
            text(typeWord(t)),
            count(these.length),
            count(these.filter((a) => a.submittedAt !== null).length, link(t, {})),
            count(moderated, link(t, { moderation: 'any' })),
            count(n('agreed'), link(t, { moderation: 'agreed' })),
            count(n('lowered'), link(t, { moderation: 'lowered' })),
            count(n('raised'), link(t, { moderation: 'raised' })),
            percentage(moderated ? n('agreed') / moderated : null),
          ];
        }),
        empty: 'The round has no audits yet.',
      },
    },
    audits: {
      table: {
        id: 'audits',
        caption: 'Each audit in the rehearsal',
        columns: [{ label: 'Audit' }, { label: 'Case type' }, { label: 'Team' }, { label: 'Auditor’s grade' }, { label: 'Moderator’s grade' }, { label: 'Held up?' }],
        rows: auditRows.map((a, i) => [
          { text: `Audit ${i + 1}`, auditId: a.id },
          text(typeWord(a.caseType ?? '')),
          text(a.teamName ?? 'No team recorded'),
          text(gradeName(a.toolId, a.finalGrade)),
          text(a.moderated ? gradeName(a.toolId, a.moderatedGrade) : 'Not moderated yet'),
          text(HELD_UP_WORDS[heldUp(tools, a)]),
        ]),
        empty: 'The round has no audits yet.',
      },
      summary: 'Audits are numbered, not named: this report is for reading across the sample. An audit you may open is linked.',
    },
  };
}

export function agreementWords(s: AgreementSummary): Array<{ label: string; value: string }> {
  return [
    { label: 'Compared', value: String(s.n) },
    { label: 'Same grade', value: s.agreement === null ? 'no figure' : `${Math.round(s.agreement * 100)}%` },
    { label: 'Weighted kappa (quadratic)', value: decimal(s.kappaQuadratic).text },
    { label: 'Mean grade shift', value: decimal(s.meanShift).text },
    { label: 'Lowered by the moderator', value: String(s.lowered) },
    { label: 'Raised by the moderator', value: String(s.raised) },
  ];
}
