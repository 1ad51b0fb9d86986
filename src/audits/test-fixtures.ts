/**
 * Fixtures for the audit tests: fresh audits allocated as the QA team would leave them, people
 * signed in by their demo key, and area forms filled the way a person fills them.
 */
import { eq } from 'drizzle-orm';
import { users } from '../org/schema.ts';
import { allocateAudit } from '../demo/audits.ts';
import { getAuditToolVersion } from '../standards/versions/service.ts';
import { TEST_PASSWORD, type TestApp, type TestClient } from '../../test/support/app.ts';
import { audits } from './schema.ts';
import { formAreas, type FormArea } from './tool-form.ts';

let counter = 0;

export interface FreshAudit {
  auditId: string;
  childId: string;
  childRef: string;
  areas: FormArea[];
}

/** An allocated audit on a new child: by default Amara Okafor's child, audited by Lucy Brennan. */
export async function freshAudit(
  t: TestApp,
  options: { tool?: string; worker?: string; team?: string; auditor?: string; caseType?: string } = {},
): Promise<FreshAudit> {
  const toolId = options.tool ?? 'practice-audit-tool';
  const caseType = options.caseType ?? 'cp';
  counter += 1;
  const childRef = `NB-T${String(process.pid % 1000).padStart(3, '0')}${String(counter).padStart(3, '0')}`;
  const tool = await getAuditToolVersion(t.database.db, t.council.organisationId, toolId, 1);
  const { auditId, childId } = await allocateAudit(t.database.db, {
    organisationId: t.council.organisationId,
    childRef,
    childName: `Test Child ${counter}`,
    dateOfBirth: '2015-05-05',
    caseType,
    teamId: t.council.teams[options.team ?? 'fst-north']!,
    workerId: t.council.people[options.worker ?? 'practitioner']!,
    auditorId: t.council.people[options.auditor ?? 'pm-south']!,
    toolId,
    toolVersion: 1,
    dueDate: '2026-05-01',
    periodStart: '2025-10-01',
    periodEnd: '2026-03-31',
    createdBy: t.council.people['qa-officer']!,
  });
  return { auditId, childId, childRef, areas: formAreas(tool, caseType) };
}

/** A client signed in as the demo person with this key (any person, not only the role accounts). */
export async function signInPerson(t: TestApp, key: string): Promise<TestClient> {
  const [row] = await t.database.db.select({ email: users.email }).from(users).where(eq(users.id, t.council.people[key]!));
  const client = t.client();
  const response = await client.signIn(row!.email, TEST_PASSWORD);
  if (response.status !== 303) throw new Error(`signing in ${key} answered ${response.status}`);
  return client;
}

export async function auditRow(t: TestApp, auditId: string) {
  const [row] = await t.database.db.select().from(audits).where(eq(audits.id, auditId));
  return row!;
}

/** The version a form on this page carries, as a person's browser would send it back. */
export function versionOn(html: string): string {
  const match = /name="version" value="(\d+)"/.exec(html);
  if (!match) throw new Error('no version on the page');
  return match[1]!;
}

/**
 * A whole area filled in: every item graded `grade` with evidence, the summary written, and (for
 * tools that count features) the first feature of each grade ticked.
 */
export function filledArea(area: FormArea, stage: 'audit' | 'self-assessment', grade: string, version: string, words = 'Seen on the file'): Record<string, string | string[]> {
  const body: Record<string, string | string[]> = { version };
  for (const item of area.items) {
    body[`i${item.index}-grade`] = grade;
    if (stage === 'audit') body[`i${item.index}-evidence`] = `${words}: ${item.title}`;
    else body[`i${item.index}-reason`] = `Reflection on ${item.title}`;
  }
  if (stage === 'audit') {
    body['i0-workingWell'] = 'Trusted relationship with the worker';
    body['i0-worries'] = 'Plan not reviewed';
    body['i0-nextSteps'] = 'Review the plan';
    for (const group of area.featureGroups) body[`f-${group.grade}`] = ['0'];
  }
  return body;
}

/** Saves every area of the stage through the pages, as the person would. */
export async function fillEveryArea(t: TestApp, client: TestClient, audit: FreshAudit, stage: 'audit' | 'self-assessment', grade: string): Promise<void> {
  const base = stage === 'audit' ? 'areas' : 'self-assessment';
  for (const area of audit.areas) {
    const { version } = await auditRow(t, audit.auditId);
    const response = await client.post(`/audits/${audit.auditId}/${base}/${area.number}`, filledArea(area, stage, grade, String(version)));
    if (response.status !== 303) throw new Error(`saving area ${area.number} answered ${response.status}`);
  }
}

/** Starts an allocated audit as its auditor, going ahead without a self-assessment. */
export async function startWithoutSelfAssessment(t: TestApp, auditor: TestClient, auditId: string): Promise<void> {
  const { version } = await auditRow(t, auditId);
  const response = await auditor.post(`/audits/${auditId}/start`, {
    version: String(version),
    'periodStart-day': '1',
    'periodStart-month': '10',
    'periodStart-year': '2025',
    'periodEnd-day': '31',
    'periodEnd-month': '3',
    'periodEnd-year': '2026',
    noSelfAssessmentReason: 'The practitioner is on leave this week.',
  });
  if (response.status !== 303) throw new Error(`starting the audit answered ${response.status}`);
}
