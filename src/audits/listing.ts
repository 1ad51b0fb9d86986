/**
 * "My audits": the audits a person may see, with what they are to each (practitioner, auditor,
 * manager, …), filtered by status, team and tool, and the count of those waiting on them for
 * the navigation. Lists name children by reference only; names appear on the audit's own pages.
 */
import { childVisibleSql } from '../restrictions/visibility.ts';
import { and, asc, eq, inArray, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import type { Db } from '../platform/db/client.ts';
import type { Actor } from '../platform/auth/actor.ts';
import { teams, users } from '../org/schema.ts';
import { children } from '../cases/schema.ts';
import { catalogueEntries } from '../standards/versions/schema.ts';
import { AUDIT_STATUSES, auditInvitations, audits } from './schema.ts';
import { visibleAuditsWhere } from './core.ts';

export const ListFilter = z.object({
  status: z.enum(AUDIT_STATUSES).optional().catch(undefined),
  teamId: z.uuid().optional().catch(undefined),
  toolId: z
    .string()
    .regex(/^[a-z0-9]+(?:[-.][a-z0-9]+)*$/)
    .optional()
    .catch(undefined),
  /** Part of a child's reference, to find one child's audits among hundreds. */
  childRef: z
    .string()
    .trim()
    .max(50)
    .optional()
    .transform((v) => v || undefined)
    .catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).catch(1).default(1),
});
export type ListFilter = z.infer<typeof ListFilter>;

/** Audits on one page of the list: a page of hundreds helps nobody. */
export const PAGE_SIZE = 50;

/** A LIKE pattern matching the text anywhere, with the text's own wildcards taken literally. */
function containing(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export type Part = 'auditor' | 'practitioner' | 'partner' | 'overview';

export async function listAudits(db: Db, actor: Actor, filter: ListFilter) {
  const auditor = alias(users, 'auditor');
  const worker = alias(users, 'worker');
  const visible = await visibleAuditsWhere(db, actor);
  const where = and(
    visible,
    filter.status ? eq(audits.status, filter.status) : undefined,
    filter.teamId ? eq(audits.teamId, filter.teamId) : undefined,
    filter.toolId ? eq(audits.toolId, filter.toolId) : undefined,
    filter.childRef ? sql`${children.childRef} ilike ${containing(filter.childRef)}` : undefined,
  );
  const rows = await db
    .select({
      id: audits.id,
      status: audits.status,
      toolId: audits.toolId,
      toolTitle: catalogueEntries.title,
      dueDate: audits.dueDate,
      childRef: children.childRef,
      caseType: children.caseType,
      teamName: teams.name,
      auditorId: audits.auditorId,
      auditorName: auditor.displayName,
      practitionerId: audits.practitionerId,
      practitionerName: worker.displayName,
      safeguardingConcern: audits.safeguardingConcern,
      finalGrade: audits.finalGrade,
      // A partner sees the case type (a protection detail) only where their invitation shares the child's details.
      partnerWithoutDetails: sql<boolean>`exists (select 1 from ${auditInvitations} i where i.audit_id = ${audits.id} and i.user_id = ${actor.userId} and not i.share_child_details)`,
    })
    .from(audits)
    .innerJoin(children, eq(children.id, audits.childId))
    .innerJoin(auditor, eq(auditor.id, audits.auditorId))
    .leftJoin(worker, eq(worker.id, audits.practitionerId))
    .leftJoin(teams, eq(teams.id, audits.teamId))
    .leftJoin(catalogueEntries, and(eq(catalogueEntries.organisationId, audits.organisationId), eq(catalogueEntries.catalogueId, audits.toolId)))
    .where(where)
    // Work still to do first, soonest due first; finished audits after.
    .orderBy(sql`case when ${audits.status} in ('closed', 'cancelled') then 1 else 0 end`, asc(audits.dueDate), asc(children.childRef), asc(audits.id))
    .limit(PAGE_SIZE)
    .offset((filter.page - 1) * PAGE_SIZE);
  const [total] = await db.select({ n: sql<number>`count(*)::int` }).from(audits).innerJoin(children, eq(children.id, audits.childId)).where(where);
  return {
    total: total?.n ?? 0,
    pages: Math.max(1, Math.ceil((total?.n ?? 0) / PAGE_SIZE)),
    rows: rows.map(({ partnerWithoutDetails, ...r }) => ({
      ...r,
      caseType: partnerWithoutDetails ? null : r.caseType,
      part: (r.auditorId === actor.userId ? 'auditor' : r.practitionerId === actor.userId ? 'practitioner' : actor.roles.includes('partner') ? 'partner' : 'overview') as Part,
    })),
  };
}

/** Teams and tools that occur in this person's audits, for the filter choices. */
export async function filterChoices(db: Db, actor: Actor) {
  const visible = await visibleAuditsWhere(db, actor);
  const [teamRows, toolRows] = await Promise.all([
    db.selectDistinct({ id: teams.id, name: teams.name }).from(audits).innerJoin(teams, eq(teams.id, audits.teamId)).where(visible).orderBy(asc(teams.name)),
    db
      .selectDistinct({ id: audits.toolId, title: catalogueEntries.title })
      .from(audits)
      .leftJoin(catalogueEntries, and(eq(catalogueEntries.organisationId, audits.organisationId), eq(catalogueEntries.catalogueId, audits.toolId)))
      .where(visible)
      .orderBy(asc(audits.toolId)),
  ]);
  return { teams: teamRows, tools: toolRows.map((t) => ({ id: t.id, title: t.title ?? t.id })) };
}

/**
 * Audits waiting on this person: a self-assessment to do, an allocation to audit, or (for a
 * partner) their sections of an audit under way.
 */
export async function waitingCount(db: Db, actor: Actor): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(audits)
    .where(
      and(
        eq(audits.organisationId, actor.organisationId),
        childVisibleSql(actor, sql`${audits.childId}`),
        or(
          and(eq(audits.practitionerId, actor.userId), eq(audits.status, 'allocated')),
          and(eq(audits.auditorId, actor.userId), inArray(audits.status, ['allocated', 'self-assessed', 'in-progress'])),
          and(
            eq(audits.status, 'in-progress'),
            sql`exists (select 1 from ${auditInvitations} i where i.audit_id = ${audits.id} and i.user_id = ${actor.userId})`,
          ),
        ),
      ),
    );
  return row?.n ?? 0;
}
