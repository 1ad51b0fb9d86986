/**
 * A restricted record in the demo, so the feature shows in `npm start`: a child placed for
 * adoption, added by hand to the children in care team, restricted by the QA officer (Helen
 * Marsh), who holds the only grant. Everyone else sees Northbridge as if the child were not
 * there; a new child is used so that existing demo figures stay as they were for everyone else.
 */
import type { Db } from '../platform/db/client.ts';
import { addDays } from '../platform/calendar/iso-date.ts';
import { londonDate } from '../platform/calendar/london.ts';
import { children } from '../cases/schema.ts';
import { childRestrictions, restrictionGrants } from '../restrictions/schema.ts';
import { grantEndsAt } from '../restrictions/service.ts';
import type { DemoCouncil } from './northbridge.ts';

export const DEMO_RESTRICTED_CHILD_REF = 'NB-R001';

export async function loadDemoRestrictedRecord(db: Db, council: DemoCouncil, now = new Date()): Promise<void> {
  const qaOfficer = council.people['qa-officer']!;
  const [child] = await db
    .insert(children)
    .values({
      organisationId: council.organisationId,
      childRef: DEMO_RESTRICTED_CHILD_REF,
      name: 'Robin Ashdown',
      dateOfBirth: '2021-06-14',
      caseType: 'adoption',
      teamId: council.teams['cic']!,
      workerId: council.people['sw-5']!,
      source: 'manual',
    })
    .returning({ id: children.id });
  const [restriction] = await db
    .insert(childRestrictions)
    .values({ organisationId: council.organisationId, childId: child!.id, reason: 'adoption', note: 'Placed for adoption: the placement address must stay confidential.', restrictedBy: qaOfficer, restrictedAt: now })
    .returning({ id: childRestrictions.id });
  await db.insert(restrictionGrants).values({ restrictionId: restriction!.id, userId: qaOfficer, grantedBy: qaOfficer, grantedAt: now, expiresAt: grantEndsAt(addDays(londonDate(now), 180)) });
}
