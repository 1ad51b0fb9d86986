/** Look-ups the audit programme's tests share: demo records by child reference, people by key. */
import { and, desc, eq, ne } from 'drizzle-orm';
import type { Db } from '../../platform/db/client.ts';
import { userRoles, users } from '../../org/schema.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Role } from '../../platform/auth/roles.ts';
import { children } from '../../cases/schema.ts';
import { audits } from '../schema.ts';
import { TEST_PASSWORD, type TestApp, type TestClient } from '../../../test/support/app.ts';

export async function childIdOf(db: Db, childRef: string): Promise<string> {
  const [row] = await db.select({ id: children.id }).from(children).where(eq(children.childRef, childRef));
  if (!row) throw new Error(`no demo child ${childRef}`);
  return row.id;
}

/** The latest audit of a demo child that was not cancelled. */
export async function auditOf(db: Db, childRef: string) {
  const [row] = await db
    .select({ audit: audits })
    .from(audits)
    .innerJoin(children, eq(children.id, audits.childId))
    .where(and(eq(children.childRef, childRef), ne(audits.status, 'cancelled')))
    .orderBy(desc(audits.createdAt))
    .limit(1);
  if (!row) throw new Error(`no audit of ${childRef}`);
  return row.audit;
}

/** Signs in as a demo person who has no role account of their own (the QA lead, a group manager). */
export async function signInAsPerson(t: TestApp, key: string): Promise<TestClient> {
  const [user] = await t.database.db.select({ email: users.email }).from(users).where(eq(users.id, t.council.people[key]!));
  const client = t.client();
  const response = await client.signIn(user!.email, TEST_PASSWORD);
  if (response.status !== 303) throw new Error(`signing in as ${key} answered ${response.status}`);
  return client;
}

/** A case with an audit just submitted (stage 1 done), for the moderation selection to act on; or in another state. */
export async function submittedAudit(t: TestApp, options: { ref: string; team: string; worker: string; auditor: string; finalGrade: string; status?: 'allocated' | 'submitted' }) {
  const db = t.database.db;
  const [child] = await db
    .insert(children)
    .values({ organisationId: t.council.organisationId, childRef: options.ref, name: 'Test Child', caseType: 'cin', teamId: t.council.teams[options.team]!, workerId: t.council.people[options.worker]!, source: 'manual' })
    .returning({ id: children.id });
  const [audit] = await db
    .insert(audits)
    .values({
      organisationId: t.council.organisationId,
      childId: child!.id,
      toolId: 'practice-audit-tool',
      toolVersion: 1,
      status: options.status ?? 'submitted',
      auditorId: t.council.people[options.auditor]!,
      practitionerId: t.council.people[options.worker]!,
      teamId: t.council.teams[options.team]!,
      dueDate: '2026-06-30',
      periodStart: '2025-12-01',
      periodEnd: '2026-06-01',
      finalGrade: options.finalGrade,
      submittedAt: new Date(),
    })
    .returning();
  return audit!;
}

/** The signed-in person as services see them, for calling a service directly in a test. */
export async function actorOf(t: TestApp, key: string): Promise<Actor> {
  const userId = t.council.people[key]!;
  const [user] = await t.database.db.select().from(users).where(eq(users.id, userId));
  const roles = await t.database.db.select({ role: userRoles.role }).from(userRoles).where(eq(userRoles.userId, userId));
  return { userId, organisationId: t.council.organisationId, displayName: user!.displayName, email: user!.email, roles: roles.map((r) => r.role as Role), teamId: user!.teamId };
}
