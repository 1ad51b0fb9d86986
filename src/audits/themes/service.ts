/**
 * Stage 3 (seed 002): the QA team reads across audits for "the strengths and barriers to effective
 * interventions" and recurring issues, tagging each audit with themes from a managed list, and
 * selects "several audited and moderated cases each quarter to present to the Senior Leadership
 * Team". Only the QA team changes any of it; senior leaders see the cases chosen for them.
 */
import { childVisibleSql } from '../../restrictions/visibility.ts';
import { and, asc, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../platform/db/client.ts';
import { NotFoundError, requireCapability, type Actor } from '../../platform/auth/actor.ts';
import { ConflictError } from '../../platform/http/errors.ts';
import { teams, users } from '../../org/schema.ts';
import { children } from '../../cases/schema.ts';
import { getAuditToolVersion } from '../../standards/versions/service.ts';
import { moveAudit, recordAuditEvent, requireAuditAccess } from '../core.ts';
import { audits, auditThemes, moderations, themes } from '../schema.ts';
import { lifecycleMove, StateError } from '../programme/http.ts';

export const THEME_KINDS = ['strength', 'barrier', 'recurring-issue'] as const;
export type ThemeKind = (typeof THEME_KINDS)[number];
export const THEME_KIND_LABELS: Record<ThemeKind, string> = { strength: 'Strength', barrier: 'Barrier', 'recurring-issue': 'Recurring issue' };

/** Audits whose stage 1 is over: the ones stage 3 reads. */
const AFTER_STAGE_ONE = ['submitted', 'in-moderation', 'moderated', 'disputed', 'closed'] as const;

export class ThemeProblem extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export const ThemeInput = z.object({
  name: z.string({ error: 'Enter the theme' }).trim().min(1, 'Enter the theme').max(80, 'The theme must be 80 characters or fewer'),
  description: z
    .string()
    .trim()
    .max(500, 'The description must be 500 characters or fewer')
    .optional()
    .transform((v) => v || null),
});

export const TagInput = z.object({
  themeId: z.uuid({ message: 'Select a theme' }),
  kind: z.enum(THEME_KINDS, { message: 'Select whether it is a strength, a barrier or a recurring issue' }),
  note: z
    .string()
    .trim()
    .max(2000, 'The note must be 2,000 characters or fewer')
    .optional()
    .transform((v) => v || null),
});

export async function listThemes(db: Db, actor: Actor) {
  requireCapability(actor, 'themes.manage');
  const rows = await db
    .select({
      id: themes.id,
      name: themes.name,
      description: themes.description,
      active: themes.active,
      strength: sql<number>`(select count(*)::int from ${auditThemes} t where t.theme_id = ${themes.id} and t.kind = 'strength')`,
      barrier: sql<number>`(select count(*)::int from ${auditThemes} t where t.theme_id = ${themes.id} and t.kind = 'barrier')`,
      recurring: sql<number>`(select count(*)::int from ${auditThemes} t where t.theme_id = ${themes.id} and t.kind = 'recurring-issue')`,
    })
    .from(themes)
    .where(eq(themes.organisationId, actor.organisationId))
    .orderBy(desc(themes.active), asc(themes.name));
  return rows;
}

export async function addTheme(db: Db, actor: Actor, input: z.infer<typeof ThemeInput>): Promise<string> {
  requireCapability(actor, 'themes.manage');
  const [existing] = await db
    .select({ id: themes.id })
    .from(themes)
    .where(and(eq(themes.organisationId, actor.organisationId), sql`lower(${themes.name}) = lower(${input.name})`));
  if (existing) throw new ThemeProblem('name', 'There is already a theme with this name');
  try {
    const [row] = await db.insert(themes).values({ organisationId: actor.organisationId, ...input }).returning({ id: themes.id });
    return row!.id;
  } catch (error) {
    for (let e = error as { code?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
      if (e.code === '23505') throw new ThemeProblem('name', 'There is already a theme with this name');
    }
    throw error;
  }
}

/** Retiring keeps the theme on the audits already tagged; it just leaves the list for new tags. */
export async function setThemeActive(db: Db, actor: Actor, themeId: string, active: boolean): Promise<void> {
  requireCapability(actor, 'themes.manage');
  const updated = await db
    .update(themes)
    .set({ active })
    .where(and(eq(themes.id, themeId), eq(themes.organisationId, actor.organisationId)))
    .returning({ id: themes.id });
  if (updated.length === 0) throw new NotFoundError();
}

export interface TaggedAudit {
  auditId: string;
  childRef: string;
  teamName: string | null;
  status: string;
  kind: string;
  note: string | null;
  taggedAt: Date;
  taggedByName: string;
}

export async function getTheme(db: Db, actor: Actor, themeId: string) {
  requireCapability(actor, 'themes.manage');
  const [theme] = await db
    .select()
    .from(themes)
    .where(and(eq(themes.id, themeId), eq(themes.organisationId, actor.organisationId)));
  if (!theme) throw new NotFoundError();
  const tagged: TaggedAudit[] = await db
    .select({
      auditId: audits.id,
      childRef: children.childRef,
      teamName: teams.name,
      status: audits.status,
      kind: auditThemes.kind,
      note: auditThemes.note,
      taggedAt: auditThemes.taggedAt,
      taggedByName: users.displayName,
    })
    .from(auditThemes)
    .innerJoin(audits, eq(audits.id, auditThemes.auditId))
    .innerJoin(children, eq(children.id, audits.childId))
    .innerJoin(users, eq(users.id, auditThemes.taggedBy))
    .leftJoin(teams, eq(teams.id, audits.teamId))
    .where(and(eq(auditThemes.themeId, themeId), childVisibleSql(actor, sql`${audits.childId}`)))
    .orderBy(desc(auditThemes.taggedAt));
  return { theme, tagged };
}

/** Audits past stage 1 that carry no theme yet, newest first: the QA team's stage 3 to-do list. */
export async function auditsAwaitingThemes(db: Db, actor: Actor, limit = 30) {
  requireCapability(actor, 'themes.manage');
  return db
    .select({ auditId: audits.id, childRef: children.childRef, teamName: teams.name, status: audits.status, submittedAt: audits.submittedAt })
    .from(audits)
    .innerJoin(children, eq(children.id, audits.childId))
    .leftJoin(teams, eq(teams.id, audits.teamId))
    .where(
      and(
        eq(audits.organisationId, actor.organisationId),
        childVisibleSql(actor, sql`${audits.childId}`),
        inArray(audits.status, [...AFTER_STAGE_ONE]),
        sql`not exists (select 1 from ${auditThemes} t where t.audit_id = ${audits.id})`,
      ),
    )
    .orderBy(desc(audits.submittedAt))
    .limit(limit);
}

export async function getEvaluation(db: Db, actor: Actor, auditId: string) {
  requireCapability(actor, 'themes.manage');
  const { audit } = await requireAuditAccess(db, actor, auditId, 'manage');
  const tool = await getAuditToolVersion(db, audit.organisationId, audit.toolId, audit.toolVersion);
  const [child] = await db.select({ childRef: children.childRef }).from(children).where(eq(children.id, audit.childId));
  const [[moderation], team, tags, choices, auditor] = await Promise.all([
    db.select().from(moderations).where(eq(moderations.auditId, audit.id)),
    audit.teamId ? db.select({ name: teams.name }).from(teams).where(eq(teams.id, audit.teamId)) : Promise.resolve([]),
    db
      .select({ themeId: themes.id, name: themes.name, kind: auditThemes.kind, note: auditThemes.note, taggedAt: auditThemes.taggedAt, taggedByName: users.displayName })
      .from(auditThemes)
      .innerJoin(themes, eq(themes.id, auditThemes.themeId))
      .innerJoin(users, eq(users.id, auditThemes.taggedBy))
      .where(eq(auditThemes.auditId, audit.id))
      .orderBy(asc(themes.name)),
    db
      .select({ id: themes.id, name: themes.name })
      .from(themes)
      .where(and(eq(themes.organisationId, actor.organisationId), eq(themes.active, true)))
      .orderBy(asc(themes.name)),
    db.select({ name: users.displayName }).from(users).where(eq(users.id, audit.auditorId)),
  ]);
  const label = (id: string | null) => (id ? (tool.scale.grades.find((g) => g.id === id)?.label ?? id) : null);
  return {
    audit,
    childRef: child?.childRef ?? '',
    teamName: team[0]?.name ?? null,
    auditorName: auditor[0]?.name ?? '',
    finalGrade: label(audit.finalGrade),
    moderatedGrade: label(audit.moderatedGrade),
    moderated: moderation?.completedAt != null,
    tags,
    choices: choices.filter((c) => !tags.some((t) => t.themeId === c.id)),
    canTag: (AFTER_STAGE_ONE as readonly string[]).includes(audit.status),
    // Seed 002: cases presented to senior leaders are "audited and moderated".
    canMarkForSlt: moderation?.completedAt != null,
    canClose: audit.status === 'moderated',
  };
}

export async function tagAudit(db: Db, actor: Actor, auditId: string, input: z.infer<typeof TagInput>): Promise<void> {
  requireCapability(actor, 'themes.manage');
  const { audit } = await requireAuditAccess(db, actor, auditId, 'manage');
  if (!(AFTER_STAGE_ONE as readonly string[]).includes(audit.status)) throw new StateError('Themes are tagged once stage 1 of the audit has been submitted.');
  const [theme] = await db
    .select({ id: themes.id, name: themes.name })
    .from(themes)
    .where(and(eq(themes.id, input.themeId), eq(themes.organisationId, actor.organisationId), eq(themes.active, true)));
  if (!theme) throw new ThemeProblem('themeId', 'Select a theme from the list');
  await db.transaction(async (tx) => {
    const values = { kind: input.kind, note: input.note, taggedBy: actor.userId, taggedAt: new Date() };
    await tx
      .insert(auditThemes)
      .values({ auditId, themeId: theme.id, ...values })
      .onConflictDoUpdate({ target: [auditThemes.auditId, auditThemes.themeId], set: values });
    await recordAuditEvent(tx, auditId, actor.userId, 'theme-tagged', { theme: theme.name, kind: input.kind });
  });
}

export async function untagAudit(db: Db, actor: Actor, auditId: string, themeId: string): Promise<void> {
  requireCapability(actor, 'themes.manage');
  await requireAuditAccess(db, actor, auditId, 'manage');
  await db.transaction(async (tx) => {
    const removed = await tx
      .delete(auditThemes)
      .where(and(eq(auditThemes.auditId, auditId), eq(auditThemes.themeId, themeId)))
      .returning({ themeId: auditThemes.themeId });
    if (removed.length === 0) throw new NotFoundError();
    const [theme] = await tx.select({ name: themes.name }).from(themes).where(eq(themes.id, themeId));
    await recordAuditEvent(tx, auditId, actor.userId, 'theme-removed', { theme: theme?.name ?? null });
  });
}

/** Marks (or unmarks) an audited and moderated case for the senior leadership team, with why. */
export async function markForSlt(db: Db, actor: Actor, auditId: string, version: number, marked: boolean, reason: string | null): Promise<void> {
  requireCapability(actor, 'themes.manage');
  const { audit } = await requireAuditAccess(db, actor, auditId, 'manage');
  const [moderation] = await db.select({ completedAt: moderations.completedAt }).from(moderations).where(eq(moderations.auditId, audit.id));
  if (marked && !moderation?.completedAt) throw new StateError('Only audited and moderated cases are presented to the senior leadership team.');
  await db.transaction(async (tx) => {
    const updated = await tx
      .update(audits)
      .set({ markedForSlt: marked, version: sql`${audits.version} + 1` })
      .where(and(eq(audits.id, auditId), eq(audits.version, version)))
      .returning({ id: audits.id });
    if (updated.length === 0) throw new ConflictError('audit');
    await recordAuditEvent(tx, auditId, actor.userId, marked ? 'marked-for-slt' : 'unmarked-for-slt', { version: version + 1, reason });
  });
}

/** Closes a moderated audit: stage 3 has read it and no dispute is open. */
export async function closeAudit(db: Db, actor: Actor, auditId: string, version: number): Promise<void> {
  requireCapability(actor, 'themes.manage');
  const { audit } = await requireAuditAccess(db, actor, auditId, 'manage');
  await lifecycleMove(() => moveAudit(db, actor, audit, 'close', version, { closedAt: new Date() }, { version: version + 1 }));
}

export interface SltCase {
  auditId: string;
  childRef: string;
  teamName: string | null;
  auditorName: string;
  finalGrade: string | null;
  moderatedGrade: string | null;
  status: string;
  markedAt: Date | null;
  reason: string | null;
  themes: Array<{ name: string; kind: string }>;
}

export async function listSltCases(db: Db, actor: Actor): Promise<SltCase[]> {
  requireCapability(actor, 'slt.view');
  const rows = await db
    .select({
      auditId: audits.id,
      childRef: children.childRef,
      teamName: teams.name,
      auditorName: users.displayName,
      finalGrade: audits.finalGrade,
      moderatedGrade: audits.moderatedGrade,
      status: audits.status,
      toolId: audits.toolId,
      toolVersion: audits.toolVersion,
      markedAt: sql<Date | null>`(select max(e.at) from audit_events e where e.audit_id = ${audits.id} and e.kind = 'marked-for-slt')`,
      reason: sql<string | null>`(select e.detail->>'reason' from audit_events e where e.audit_id = ${audits.id} and e.kind = 'marked-for-slt' order by e.at desc limit 1)`,
    })
    .from(audits)
    .innerJoin(children, eq(children.id, audits.childId))
    .innerJoin(users, eq(users.id, audits.auditorId))
    .leftJoin(teams, eq(teams.id, audits.teamId))
    .where(and(eq(audits.organisationId, actor.organisationId), eq(audits.markedForSlt, true), childVisibleSql(actor, sql`${audits.childId}`)))
    .orderBy(asc(children.childRef));
  const ids = rows.map((r) => r.auditId);
  const tags = ids.length
    ? await db
        .select({ auditId: auditThemes.auditId, name: themes.name, kind: auditThemes.kind })
        .from(auditThemes)
        .innerJoin(themes, eq(themes.id, auditThemes.themeId))
        .where(and(inArray(auditThemes.auditId, ids), isNotNull(auditThemes.kind)))
        .orderBy(asc(themes.name))
    : [];
  const labels = new Map<string, Map<string, string>>();
  for (const key of new Set(rows.map((r) => `${r.toolId}@${r.toolVersion}`))) {
    const [toolId, version] = key.split('@') as [string, string];
    const tool = await getAuditToolVersion(db, actor.organisationId, toolId, Number(version));
    labels.set(key, new Map(tool.scale.grades.map((g) => [g.id, g.label])));
  }
  return rows.map(({ toolId, toolVersion, ...r }) => {
    const label = (id: string | null) => (id ? (labels.get(`${toolId}@${toolVersion}`)?.get(id) ?? id) : null);
    return {
      ...r,
      finalGrade: label(r.finalGrade),
      moderatedGrade: label(r.moderatedGrade),
      markedAt: r.markedAt ? new Date(r.markedAt) : null,
      themes: tags.filter((t) => t.auditId === r.auditId).map((t) => ({ name: t.name, kind: THEME_KIND_LABELS[t.kind as ThemeKind] ?? t.kind })),
    };
  });
}
