/**
 * The nightly recomputation: deadlines are stored as of the day they were computed, so once a day
 * each council's are worked out again as of today (and with any practice standard or closure day
 * changed since). Runs with the other background jobs; a council already computed today is left
 * alone, so the job may run as often as the scheduler ticks and still does the work once a day.
 */
import { sql } from 'drizzle-orm';
import { queryRows } from '../platform/db/client.ts';
import { londonDate } from '../platform/calendar/london.ts';
import type { Job } from '../platform/jobs/runner.ts';
import { recomputeNow } from './store.ts';

export const complianceRefreshJob: Job = {
  name: 'compliance-refresh',
  async run({ db, now }) {
    const today = londonDate(now);
    // Councils with case data whose latest computation is for an earlier day.
    const due = await queryRows<{ organisationId: string }>(
      db,
      sql`select r.organisation_id as "organisationId" from compliance_runs r
          group by r.organisation_id having max(r.as_of) < ${today}::date`,
    );
    let items = 0;
    for (const { organisationId } of due) items += (await recomputeNow(db, organisationId, today, 'nightly')).itemCount;
    return { councils: due.length, items };
  },
};
