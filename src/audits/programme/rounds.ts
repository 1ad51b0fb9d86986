/**
 * Rounds: drawing a sample of cases for a programme (recorded in full, so it can be explained and
 * repeated), then allocating them to auditors as audits pinned to the tool's current version.
 */
import { childVisibleSql, hiddenChildIds } from '../../restrictions/visibility.ts';
import crypto from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../platform/db/client.ts';
import { queryRows } from '../../platform/db/client.ts';
import { NotFoundError, requireCapability, type Actor } from '../../platform/auth/actor.ts';
import { ConflictError } from '../../platform/http/errors.ts';
import { addMonths, type IsoDate } from '../../platform/calendar/index.ts';
import { notify } from '../../platform/notify/in-app.ts';
import { formatDate } from '../../platform/http/render.ts';
import { getPublishedVersion, listCatalogue } from '../../standards/versions/service.ts';
import { children } from '../../cases/schema.ts';
import { audits, rounds } from '../schema.ts';
import { recordAuditEvent } from '../core.ts';
import { roundAllocations } from './schema.ts';
import { allocate, drawSample, STRATIFY_BY, TARGETS, type Allocation, type Candidate, type DrawEntry, type DrawRequest, type RoundAuditor, type Stratum } from './sampling.ts';
import { FieldProblem, getProgramme } from './service.ts';
import { isoDateFrom } from './dates.ts';
import { peopleOf, type Person } from './people.ts';

/** Statuses in which an audit is still under way: the "one open audit per case" rule. */
export const OPEN_STATUSES = ['allocated', 'self-assessed', 'in-progress', 'submitted', 'in-moderation', 'moderated', 'disputed'] as const;

const openList = sql.join(
  OPEN_STATUSES.map((s) => sql`${s}`),
  sql`, `,
);

/** What a round records about how it was drawn: enough to draw it again. */
export interface RoundMethod extends DrawRequest {
  dueDate: IsoDate;
  caseTypes: string[];
}

export interface DrawRecord {
  cutOff: IsoDate | null;
  strata: Stratum[];
  entries: DrawEntry[];
}

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

export const RoundInput = z
  .object({
    title: z.string({ error: 'Enter a name for the round' }).trim().min(1, 'Enter a name for the round').max(120, 'The name must be 120 characters or fewer'),
    method: z.enum(['random', 'stratified', 'targeted'], { message: 'Select how to choose the cases' }),
    stratifyBy: z.enum(STRATIFY_BY).optional().catch(undefined),
    target: z.string().optional(),
    sampleSize: whole('number of cases', 1, 200),
    exclusionMonths: whole('months since a case’s last audit', 0, 36),
    seed: z
      .string()
      .trim()
      .max(40, 'The seed must be 40 characters or fewer')
      .optional()
      .transform((v) => v || null),
    auditorIds: list.pipe(z.array(z.uuid({ message: 'Select auditors from the list' })).min(1, 'Select at least one auditor')),
    dueDate: isoDateFrom('due date'),
  })
  .superRefine((input, ctx) => {
    if (input.method === 'stratified' && !input.stratifyBy) ctx.addIssue({ code: 'custom', path: ['stratifyBy'], message: 'Select what to stratify by' });
    if (input.method === 'targeted' && !(input.target && TARGETS.has(input.target))) ctx.addIssue({ code: 'custom', path: ['target'], message: 'Select which cases to target' });
  });
export type RoundInput = z.infer<typeof RoundInput>;

/**
 * Every case the programme covers, with what the rules need to know about its audits. A restricted
 * child is never drawn: a random draw would hand the record to people it is not open to, so its
 * audits are arranged by those who hold a grant.
 */
export async function loadCandidates(db: Db, organisationId: string, caseTypes: readonly string[]): Promise<Candidate[]> {
  const typeFilter = caseTypes.length > 0 ? sql`and c.case_type in (${sql.join(
    caseTypes.map((t) => sql`${t}`),
    sql`, `,
  )})` : sql``;
  const rows = await queryRows<Candidate & { lastAuditedOn: string | Date | null }>(
    db,
    sql`select c.id as "childId", c.child_ref as "childRef", c.team_id as "teamId", t.service_id as "serviceId",
               c.case_type as "caseType", c.worker_id as "workerId",
               (select to_char(max(coalesce(a.submitted_at, a.created_at)), 'YYYY-MM-DD') from audits a where a.child_id = c.id and a.status <> 'cancelled') as "lastAuditedOn",
               exists (select 1 from audits a where a.child_id = c.id and a.status in (${openList})) as "hasOpenAudit"
        from children c left join teams t on t.id = c.team_id
        where c.organisation_id = ${organisationId} ${typeFilter}
          and not exists (select 1 from child_restrictions r where r.child_id = c.id and r.lifted_at is null)`,
  );
  return rows.map((r) => ({ ...r, lastAuditedOn: r.lastAuditedOn === null ? null : String(r.lastAuditedOn), hasOpenAudit: Boolean(r.hasOpenAudit) }));
}

/** How many audits each person has under way: the load that allocation balances. */
export async function openAuditCounts(db: Db, organisationId: string, userIds: readonly string[]): Promise<Map<string, number>> {
  if (userIds.length === 0) return new Map();
  const rows = await db
    .select({ auditorId: audits.auditorId, n: sql<number>`count(*)::int` })
    .from(audits)
    .where(and(eq(audits.organisationId, organisationId), inArray(audits.auditorId, [...userIds]), sql`${audits.status} in (${openList})`))
    .groupBy(audits.auditorId);
  return new Map(userIds.map((id) => [id, rows.find((r) => r.auditorId === id)?.n ?? 0]));
}

export async function drawRound(db: Db, actor: Actor, programmeId: string, input: RoundInput, today: IsoDate): Promise<string> {
  requireCapability(actor, 'programme.manage');
  const programme = await getProgramme(db, actor, programmeId);
  const people = await peopleOf(db, actor.organisationId);
  const auditors: RoundAuditor[] = input.auditorIds.map((id) => {
    const person = people.find((p) => p.id === id);
    if (!person) throw new FieldProblem('auditorIds', 'Select auditors from the list');
    return { userId: id, teamId: person.teamId };
  });
  const method: RoundMethod = {
    method:
      input.method === 'stratified' ? { kind: 'stratified', by: input.stratifyBy! } : input.method === 'targeted' ? { kind: 'targeted', target: input.target! } : { kind: 'random' },
    sampleSize: input.sampleSize,
    // A seed nobody chose still lets the draw be repeated: it is recorded like a chosen one.
    seed: input.seed ?? crypto.randomBytes(4).toString('hex'),
    drawDate: today,
    exclusionMonths: input.exclusionMonths,
    auditors,
    dueDate: input.dueDate,
    caseTypes: programme.caseTypes,
  };
  const candidates = await loadCandidates(db, actor.organisationId, programme.caseTypes);
  const draw = drawSample(candidates, method);
  const record: DrawRecord = { cutOff: draw.cutOff, strata: draw.strata, entries: draw.entries };
  const [row] = await db
    .insert(rounds)
    .values({ organisationId: actor.organisationId, programmeId, title: input.title, method, drawRecord: record, drawnBy: actor.userId })
    .returning({ id: rounds.id });
  return row!.id;
}

export interface RoundView {
  id: string;
  title: string;
  programmeId: string;
  programmeTitle: string;
  toolId: string;
  drawnAt: Date;
  drawnByName: string | null;
  method: RoundMethod;
  record: DrawRecord;
  chosen: DrawEntry[];
  /** Re-running the draw from its record gives the same cases, in the same order. */
  reproduced: boolean;
  allocation:
    | { state: 'proposed'; proposal: Allocation; loads: Map<string, number> }
    | { state: 'allocated'; allocatedAt: Date; allocatedByName: string | null; notAllocated: Array<{ childId: string; reason: string }>; audits: AllocatedAudit[] };
  people: Map<string, Person>;
}

export interface AllocatedAudit {
  id: string;
  childId: string;
  childRef: string;
  auditorId: string;
  practitionerId: string | null;
  status: string;
  dueDate: string;
}

/** Re-runs the recorded draw on the recorded candidates. */
export function replayDraw(method: RoundMethod, record: DrawRecord): boolean {
  const again = drawSample(
    record.entries.map((e) => e.candidate),
    method,
  );
  const recorded = record.entries
    .filter((e) => e.outcome === 'chosen')
    .sort((a, b) => a.position! - b.position!)
    .map((e) => e.candidate.childId);
  return JSON.stringify(again.chosen.map((c) => c.childId)) === JSON.stringify(recorded);
}

async function loadRound(db: Db, actor: Actor, roundId: string) {
  requireCapability(actor, 'programme.manage');
  const [round] = await db
    .select()
    .from(rounds)
    .where(and(eq(rounds.id, roundId), eq(rounds.organisationId, actor.organisationId)));
  if (!round || !round.programmeId) throw new NotFoundError();
  return { ...round, programmeId: round.programmeId, method: round.method as RoundMethod, record: round.drawRecord as DrawRecord };
}

function chosenInOrder(record: DrawRecord): DrawEntry[] {
  return record.entries.filter((e) => e.outcome === 'chosen').sort((a, b) => a.position! - b.position!);
}

export async function getRound(db: Db, actor: Actor, roundId: string): Promise<RoundView> {
  const round = await loadRound(db, actor, roundId);
  const programme = await getProgramme(db, actor, round.programmeId);
  const people = new Map((await peopleOf(db, actor.organisationId)).map((p) => [p.id, p]));
  // A child restricted since the draw is left out of what the page shows, as if never a candidate.
  const hidden = new Set(await hiddenChildIds(db, actor));
  const record: DrawRecord = { ...round.record, entries: round.record.entries.filter((e) => !hidden.has(e.candidate.childId)) };
  const chosen = chosenInOrder(record);
  const [allocated] = await db.select().from(roundAllocations).where(eq(roundAllocations.roundId, roundId));
  let allocation: RoundView['allocation'];
  if (allocated) {
    const rows = await db
      .select({ id: audits.id, childId: audits.childId, childRef: children.childRef, auditorId: audits.auditorId, practitionerId: audits.practitionerId, status: audits.status, dueDate: audits.dueDate })
      .from(audits)
      .innerJoin(children, eq(children.id, audits.childId))
      .where(and(eq(audits.roundId, roundId), childVisibleSql(actor, sql`${audits.childId}`)))
      .orderBy(children.childRef);
    allocation = {
      state: 'allocated',
      allocatedAt: allocated.allocatedAt,
      allocatedByName: people.get(allocated.allocatedBy)?.name ?? null,
      notAllocated: allocated.notAllocated.filter((n) => !hidden.has(n.childId)),
      audits: rows,
    };
  } else {
    const loads = await openAuditCounts(
      db,
      actor.organisationId,
      round.method.auditors.map((a) => a.userId),
    );
    const proposal = allocate(
      chosen.map((e) => e.candidate),
      round.method.auditors.map((a) => ({ ...a, openAudits: loads.get(a.userId) ?? 0 })),
    );
    allocation = { state: 'proposed', proposal, loads };
  }
  return {
    id: round.id,
    title: round.title,
    programmeId: programme.id,
    programmeTitle: programme.title,
    toolId: programme.toolId,
    drawnAt: round.drawnAt,
    drawnByName: round.drawnBy ? (people.get(round.drawnBy)?.name ?? null) : null,
    method: round.method,
    record,
    chosen,
    reproduced: replayDraw(round.method, round.record),
    allocation,
    people,
  };
}

export class RoundProblem extends Error {}

/**
 * Creates the round's audits: each chosen case to the eligible auditor with the fewest open
 * audits, pinned to the tool's current published version, for the last six months of work. The
 * rules are checked again at this moment, since a case may have been allocated elsewhere since
 * the draw. Both the auditor and the child's worker are told.
 */
export async function allocateRound(db: Db, actor: Actor, roundId: string, today: IsoDate): Promise<{ allocated: number; notAllocated: number }> {
  const round = await loadRound(db, actor, roundId);
  const programme = await getProgramme(db, actor, round.programmeId);
  const entry = (await listCatalogue(db, actor)).find((e) => e.catalogueId === programme.toolId);
  if (!entry || entry.retired || entry.currentVersion === null) throw new RoundProblem(`The programme’s audit tool is not in use any more. Choose another tool for the programme first.`);
  const tool = await getPublishedVersion(db, actor.organisationId, programme.toolId);
  if (tool.file.kind !== 'audit-tool') throw new RoundProblem('The programme’s tool is not an audit tool.');
  const multiAgency = tool.file.multiAgency;

  const result = await db.transaction(async (tx) => {
    const chosenIds = chosenInOrder(round.record).map((e) => e.candidate.childId);
    const current = new Map((await loadCandidates(tx, actor.organisationId, [])).map((c) => [c.childId, c]));
    const notAllocated: Array<{ childId: string; reason: string }> = [];
    const still: Candidate[] = [];
    for (const id of chosenIds) {
      const c = current.get(id);
      if (!c) notAllocated.push({ childId: id, reason: 'The case is no longer held.' });
      else if (c.hasOpenAudit) notAllocated.push({ childId: id, reason: 'An audit of this case was opened after the draw.' });
      else still.push(c);
    }
    const loads = await openAuditCounts(
      tx,
      actor.organisationId,
      round.method.auditors.map((a) => a.userId),
    );
    const plan = allocate(
      still,
      round.method.auditors.map((a) => ({ ...a, openAudits: loads.get(a.userId) ?? 0 })),
    );
    notAllocated.push(...plan.unassigned);
    try {
      await tx.insert(roundAllocations).values({ roundId, allocatedBy: actor.userId, notAllocated });
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError('round');
      throw error;
    }
    const created: Array<{ id: string; child: Candidate; auditorId: string }> = [];
    for (const { childId, auditorId } of plan.assigned) {
      const child = current.get(childId)!;
      const [row] = await tx
        .insert(audits)
        .values({
          organisationId: actor.organisationId,
          childId,
          roundId,
          toolId: programme.toolId,
          toolVersion: tool.version,
          auditorId,
          practitionerId: child.workerId,
          teamId: child.teamId,
          dueDate: round.method.dueDate,
          periodStart: addMonths(today, -6),
          periodEnd: today,
          multiAgency,
          createdBy: actor.userId,
        })
        .returning({ id: audits.id });
      await recordAuditEvent(tx, row!.id, actor.userId, 'allocated', { roundId, auditorId, toolId: programme.toolId, toolVersion: tool.version });
      created.push({ id: row!.id, child, auditorId });
    }
    return { created, notAllocated };
  });

  for (const { id, child, auditorId } of result.created) {
    const due = formatDate(round.method.dueDate);
    await notify(db, {
      organisationId: actor.organisationId,
      userIds: [auditorId],
      kind: 'audit-allocated',
      title: `Case audit allocated: ${child.childRef}`,
      body: `You are the auditor for ${child.childRef} (${programme.title}), due ${due}. Contact the child’s worker to arrange the collaborative audit.`,
      link: `/audits/${id}`,
      dedupeKey: `audit-allocated:${id}`,
    });
    if (child.workerId) {
      await notify(db, {
        organisationId: actor.organisationId,
        userIds: [child.workerId],
        kind: 'audit-allocated',
        title: `A case you hold will be audited: ${child.childRef}`,
        body: `Please complete your self-assessment before the collaborative audit, due ${due}.`,
        link: `/audits/${id}`,
        dedupeKey: `audit-practitioner:${id}`,
      });
    }
  }
  return { allocated: result.created.length, notAllocated: result.notAllocated.length };
}

function isUniqueViolation(error: unknown): boolean {
  for (let e = error as { code?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) if (e.code === '23505') return true;
  return false;
}
