/**
 * Warns before access to a restricted record ends: the person granted and the person who
 * restricted the record are told WARN_DAYS before the grant's last day, once per grant and end
 * (the dedupe key), so renewing a grant warns again before the new end. The warning is only a
 * courtesy: an expired grant stops working because the visibility rule compares its end with the
 * time of each request, whether or not this job ran.
 */
import { and, eq, gt, isNull, lte } from 'drizzle-orm';
import type { Db } from '../platform/db/client.ts';
import type { Job, JobSummary } from '../platform/jobs/runner.ts';
import { notifyAndEmail } from '../platform/notify/email/outbox.ts';
import { formatDate } from '../platform/http/render.ts';
import { childRestrictions, restrictionGrants } from './schema.ts';
import { grantLastDay } from './service.ts';

export const WARN_DAYS = 7;

export async function warnOfExpiringGrants(db: Db, now: Date): Promise<JobSummary> {
  const horizon = new Date(now.getTime() + WARN_DAYS * 24 * 60 * 60_000);
  const expiring = await db
    .select({
      id: restrictionGrants.id,
      userId: restrictionGrants.userId,
      expiresAt: restrictionGrants.expiresAt,
      childId: childRestrictions.childId,
      organisationId: childRestrictions.organisationId,
      ownerId: childRestrictions.restrictedBy,
    })
    .from(restrictionGrants)
    .innerJoin(childRestrictions, eq(childRestrictions.id, restrictionGrants.restrictionId))
    .where(and(isNull(restrictionGrants.removedAt), isNull(childRestrictions.liftedAt), gt(restrictionGrants.expiresAt, now), lte(restrictionGrants.expiresAt, horizon)));
  let warned = 0;
  for (const grant of expiring) {
    const lastDay = formatDate(grantLastDay(grant.expiresAt));
    const reference = `RG-${grant.id.slice(0, 8).toUpperCase()}`;
    const told = await notifyAndEmail(db, {
      organisationId: grant.organisationId,
      userIds: [grant.userId, ...(grant.ownerId ? [grant.ownerId] : [])],
      kind: 'restriction-grant-expiring',
      title: `Access to a restricted record ends after ${lastDay}`,
      body: 'Ask whoever manages the restriction to renew the access if it is still needed.',
      emailBody: `Access to a restricted record ends after ${lastDay}. Ask whoever manages the restriction to renew it if it is still needed.`,
      link: `/cases/${grant.childId}`,
      reference,
      dedupeKey: `restriction-grant-expiring:${grant.id}:${grant.expiresAt.toISOString()}`,
    });
    warned += told.length;
  }
  return { grants: expiring.length, warned };
}

export const grantExpiryJob: Job = {
  name: 'restriction-grant-expiry',
  run: ({ db, now }) => warnOfExpiringGrants(db, now),
};
