/** The nightly recomputation: once a day per council, as of that day. */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../platform/db/client.ts';
import { loadDemoCouncil } from '../demo/northbridge.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { seedCases } from '../cases/case-fixtures.ts';
import { complianceRefreshJob } from './refresh-job.ts';

describe('the nightly recomputation', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
    const council = await loadDemoCouncil(database.db, 'a long enough password');
    // A visit due Friday 6 March, in time when computed on the 5th.
    await seedCases(database.db, council.organisationId, [{ childRef: 'A', facts: [{ kind: 'cp-plan', startDate: '2026-01-05' }, { kind: 'cp-visit', date: '2026-02-20' }] }], '2026-03-05');
  });
  afterAll(async () => {
    await database.close();
  });

  const statuses = () => queryRows<{ status: string; asOf: string }>(database.db, sql`select status, to_char(as_of, 'YYYY-MM-DD') as "asOf" from compliance_items`);

  it('works each council out again as of the new day, and only once that day', async () => {
    expect(await statuses()).toEqual([{ status: 'met', asOf: '2026-03-05' }]);
    // 00:30 on Monday 9 March in London.
    expect(await complianceRefreshJob.run({ db: database.db, now: new Date('2026-03-09T00:30:00Z') })).toEqual({ councils: 1, items: 1 });
    expect(await statuses()).toEqual([{ status: 'overdue', asOf: '2026-03-09' }]);
    expect(await complianceRefreshJob.run({ db: database.db, now: new Date('2026-03-09T15:00:00Z') })).toEqual({ councils: 0, items: 0 });
  });
});
