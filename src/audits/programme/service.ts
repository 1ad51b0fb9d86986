/**
 * Audit programmes: the recurring QA activities of seed 002's activity table, each with a tool, a
 * cadence, an owner, the people who audit for it and how its rounds are drawn. Only the QA team
 * manages them.
 */
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../platform/db/client.ts';
import { NotFoundError, requireCapability, type Actor } from '../../platform/auth/actor.ts';
import { ConflictError } from '../../platform/http/errors.ts';
import { getPublishedVersion, listCatalogue } from '../../standards/versions/service.ts';
import { CASE_TYPES } from '../../cases/manual/case-types.ts';
import { programmes, rounds } from '../schema.ts';
import { programmePlans, roundAllocations } from './schema.ts';
import { isoDateFrom } from './dates.ts';
import { peopleOf } from './people.ts';

export const CADENCES = ['weekly', 'monthly', 'quarterly', 'annual'] as const;
export type Cadence = (typeof CADENCES)[number];
export const CADENCE_LABELS: Record<Cadence, string> = { weekly: 'Weekly', monthly: 'Monthly', quarterly: 'Quarterly', annual: 'Once a year' };

export const QA_FRAMEWORK_ID = 'west-sussex-qa-framework';

/** A field-level refusal only the database can reveal (an unknown tool, an auditor not in the council). */
export class FieldProblem extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ScheduledTheme {
  /** YYYY-MM. */
  month: string;
  theme: string;
}

const list = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]).filter((s) => s !== ''));

const wholeNumber = (what: string, min: number, max: number) =>
  z
    .string({ error: `Enter the ${what}` })
    .trim()
    .min(1, `Enter the ${what}`)
    .regex(/^\d+$/, `The ${what} must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().min(min, `The ${what} must be a whole number from ${min} to ${max}`).max(max, `The ${what} must be a whole number from ${min} to ${max}`));

const SCHEDULE_LINE = /^(\d{4}-(?:0[1-9]|1[0-2]))\s*:\s*(.{1,120})$/;

/** "2026-04: Voice of the child", one line per month. */
export const ScheduleText = z
  .string()
  .optional()
  .transform((text, ctx): ScheduledTheme[] => {
    const lines = (text ?? '')
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean);
    const out: ScheduledTheme[] = [];
    for (const [i, line] of lines.entries()) {
      const match = SCHEDULE_LINE.exec(line);
      if (!match) {
        ctx.addIssue({ code: 'custom', message: `Line ${i + 1} of the schedule must be a month and a theme, like 2026-04: Voice of the child` });
        return z.NEVER;
      }
      out.push({ month: match[1]!, theme: match[2]!.trim() });
    }
    return out;
  });

export const ProgrammeInput = z.object({
  title: z.string({ error: 'Enter the programme’s name' }).trim().min(1, 'Enter the programme’s name').max(120, 'The name must be 120 characters or fewer'),
  activity: z
    .string()
    .trim()
    .optional()
    .transform((v) => v || null),
  toolId: z.string({ error: 'Select the audit tool' }).trim().min(1, 'Select the audit tool'),
  cadence: z.enum(CADENCES, { message: 'Select how often the programme runs' }),
  ownerId: z.uuid({ message: 'Select the programme’s owner' }),
  startsOn: isoDateFrom('start date'),
  auditorIds: list.pipe(z.array(z.uuid({ message: 'Select auditors from the list' })).min(1, 'Select at least one auditor')),
  caseTypes: list.pipe(z.array(z.enum(CASE_TYPES, { message: 'Select case types from the list' }))),
  sampleSize: wholeNumber('number of cases in each round', 1, 200),
  exclusionMonths: wholeNumber('months since a case’s last audit', 0, 36),
  dueInWorkingDays: wholeNumber('working days to complete an audit', 1, 120),
  schedule: ScheduleText,
});
export type ProgrammeInput = z.infer<typeof ProgrammeInput>;

export interface ProgrammeSummary {
  id: string;
  title: string;
  activity: string | null;
  toolId: string;
  cadence: Cadence;
  ownerId: string | null;
  ownerName: string | null;
  startsOn: string;
  active: boolean;
  schedule: ScheduledTheme[];
  auditorIds: string[];
  caseTypes: string[];
  sampleSize: number;
  exclusionMonths: number;
  dueInWorkingDays: number;
  version: number;
  roundCount: number;
  lastDrawnAt: Date | null;
}

function requireManager(actor: Actor): void {
  requireCapability(actor, 'programme.manage');
}

export async function listProgrammes(db: Db, actor: Actor): Promise<ProgrammeSummary[]> {
  requireManager(actor);
  const rows = await db
    .select({
      id: programmes.id,
      title: programmes.title,
      activity: programmes.activity,
      toolId: programmes.toolId,
      cadence: programmes.cadence,
      ownerId: programmes.ownerId,
      ownerName: sql<string | null>`(select display_name from users u where u.id = ${programmes.ownerId})`,
      startsOn: programmes.startsOn,
      active: programmes.active,
      schedule: programmes.schedule,
      auditorIds: programmePlans.auditorIds,
      caseTypes: programmePlans.caseTypes,
      sampleSize: programmePlans.sampleSize,
      exclusionMonths: programmePlans.exclusionMonths,
      dueInWorkingDays: programmePlans.dueInWorkingDays,
      version: programmePlans.version,
      roundCount: sql<number>`(select count(*)::int from ${rounds} r where r.programme_id = ${programmes.id})`,
      lastDrawnAt: sql<Date | null>`(select max(r.drawn_at) from ${rounds} r where r.programme_id = ${programmes.id})`,
    })
    .from(programmes)
    .innerJoin(programmePlans, eq(programmePlans.programmeId, programmes.id))
    .where(eq(programmes.organisationId, actor.organisationId))
    .orderBy(desc(programmes.active), asc(programmes.title));
  return rows.map((r) => ({
    ...r,
    cadence: r.cadence as Cadence,
    schedule: (r.schedule as ScheduledTheme[] | null) ?? [],
    lastDrawnAt: r.lastDrawnAt ? new Date(r.lastDrawnAt) : null,
  }));
}

export async function getProgramme(db: Db, actor: Actor, id: string): Promise<ProgrammeSummary> {
  const programme = (await listProgrammes(db, actor)).find((p) => p.id === id);
  if (!programme) throw new NotFoundError();
  return programme;
}

export interface RoundListing {
  id: string;
  title: string;
  drawnAt: Date;
  drawnByName: string | null;
  chosen: number;
  allocatedAt: Date | null;
}

export async function listRounds(db: Db, actor: Actor, programmeId: string): Promise<RoundListing[]> {
  requireManager(actor);
  const rows = await db
    .select({
      id: rounds.id,
      title: rounds.title,
      drawnAt: rounds.drawnAt,
      drawnByName: sql<string | null>`(select display_name from users u where u.id = ${rounds.drawnBy})`,
      drawRecord: rounds.drawRecord,
      allocatedAt: roundAllocations.allocatedAt,
    })
    .from(rounds)
    .leftJoin(roundAllocations, eq(roundAllocations.roundId, rounds.id))
    .where(and(eq(rounds.organisationId, actor.organisationId), eq(rounds.programmeId, programmeId)))
    .orderBy(desc(rounds.drawnAt));
  return rows.map(({ drawRecord, ...r }) => ({
    ...r,
    chosen: ((drawRecord as { entries?: Array<{ outcome: string }> }).entries ?? []).filter((e) => e.outcome === 'chosen').length,
  }));
}

export interface ProgrammeChoices {
  tools: Array<{ value: string; text: string }>;
  activities: Array<{ value: string; text: string }>;
  owners: Array<{ value: string; text: string }>;
  auditors: Array<{ value: string; text: string; hint: string }>;
}

/** The audit tools in use (published, not retired), the framework's activities, and people. */
export async function programmeChoices(db: Db, actor: Actor): Promise<ProgrammeChoices> {
  requireManager(actor);
  const [catalogue, people] = await Promise.all([listCatalogue(db, actor), peopleOf(db, actor.organisationId)]);
  const framework = await getPublishedVersion(db, actor.organisationId, QA_FRAMEWORK_ID).catch((error: unknown) => {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  });
  const activities = framework?.file.kind === 'qa-framework' ? framework.file.activities.map((a) => ({ value: a.id, text: a.title.split('\n')[0]! })) : [];
  return {
    tools: catalogue.filter((e) => e.kind === 'audit-tool' && !e.retired && e.currentVersion !== null).map((e) => ({ value: e.catalogueId, text: e.title })),
    activities,
    owners: people.filter((p) => p.roles.includes('qa-officer')).map((p) => ({ value: p.id, text: p.name })),
    auditors: people
      .filter((p) => ['practice-manager', 'group-manager', 'moderator', 'qa-officer', 'senior-leader'].some((r) => p.roles.includes(r)))
      .map((p) => ({ value: p.id, text: p.name, hint: p.teamName ?? 'No team' })),
  };
}

async function checkReferences(db: Db, actor: Actor, input: ProgrammeInput): Promise<void> {
  const choices = await programmeChoices(db, actor);
  if (!choices.tools.some((t) => t.value === input.toolId)) throw new FieldProblem('toolId', 'Select an audit tool that is published and in use');
  if (input.activity && !choices.activities.some((a) => a.value === input.activity)) throw new FieldProblem('activity', 'Select an activity from the QA framework');
  if (!choices.owners.some((o) => o.value === input.ownerId)) throw new FieldProblem('ownerId', 'Select a quality assurance officer as the owner');
  const auditorIds = new Set(choices.auditors.map((a) => a.value));
  if (input.auditorIds.some((id) => !auditorIds.has(id))) throw new FieldProblem('auditorIds', 'Select auditors from the list');
}

function programmeRow(input: ProgrammeInput) {
  return {
    title: input.title,
    activity: input.activity,
    toolId: input.toolId,
    cadence: input.cadence,
    ownerId: input.ownerId,
    startsOn: input.startsOn,
    schedule: input.schedule.length > 0 ? input.schedule : null,
  };
}

function planRow(input: ProgrammeInput) {
  return {
    auditorIds: [...new Set(input.auditorIds)],
    caseTypes: [...new Set(input.caseTypes)],
    sampleSize: input.sampleSize,
    exclusionMonths: input.exclusionMonths,
    dueInWorkingDays: input.dueInWorkingDays,
  };
}

export async function createProgramme(db: Db, actor: Actor, input: ProgrammeInput): Promise<string> {
  requireManager(actor);
  await checkReferences(db, actor, input);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(programmes)
      .values({ organisationId: actor.organisationId, ...programmeRow(input) })
      .returning({ id: programmes.id });
    await tx.insert(programmePlans).values({ programmeId: row!.id, ...planRow(input) });
    return row!.id;
  });
}

export async function updateProgramme(db: Db, actor: Actor, id: string, version: number, input: ProgrammeInput & { active: boolean }): Promise<void> {
  requireManager(actor);
  await getProgramme(db, actor, id);
  await checkReferences(db, actor, input);
  await db.transaction(async (tx) => {
    const updated = await tx
      .update(programmePlans)
      .set({ ...planRow(input), version: sql`${programmePlans.version} + 1` })
      .where(and(eq(programmePlans.programmeId, id), eq(programmePlans.version, version)))
      .returning({ id: programmePlans.programmeId });
    if (updated.length === 0) throw new ConflictError('programme');
    await tx
      .update(programmes)
      .set({ ...programmeRow(input), active: input.active })
      .where(eq(programmes.id, id));
  });
}
