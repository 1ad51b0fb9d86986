/**
 * Two councils in one database, for probes across tenants: the whole demo loaded once and
 * renamed to "Othertown" (its people's e-mails, its children's names and references changed so a
 * leak of any of them is recognisable), then the whole demo again as Northbridge, whose accounts
 * the tests sign in with.
 */
import { sql } from 'drizzle-orm';
import { pino, type Logger } from 'pino';
import { buildWebApp } from '../../src/app.ts';
import { loadDemo } from '../../src/demo/index.ts';
import { DEMO_ACCOUNTS, loadDemoCouncil, type DemoCouncil } from '../../src/demo/northbridge.ts';
import { loadDemoActions } from '../../src/demo/actions.ts';
import { loadDemoAudits } from '../../src/demo/audits.ts';
import { loadDemoInsights } from '../../src/demo/insights.ts';
import { loadDemoProgramme } from '../../src/demo/programme.ts';
import type { Role } from '../../src/platform/auth/roles.ts';
import { queryRows } from '../../src/platform/db/client.ts';
import { TEST_PASSWORD, TestClient, type TestApp } from '../support/app.ts';
import { createTestDatabase } from '../support/database.ts';

/** Every child of the other council carries this in its reference and name. */
export const OTHER_MARK = 'Othertown';

export interface TwoCouncils extends TestApp {
  /** The council nobody signed in belongs to. */
  otherOrganisationId: string;
}

export async function createTwoCouncilApp(options: { logger?: Logger } = {}): Promise<TwoCouncils> {
  const database = await createTestDatabase();
  // The other council has every kind of record but the imported extract, the slowest part of the demo to load.
  const other = await loadDemoCouncil(database.db, TEST_PASSWORD);
  await loadDemoAudits(database.db, other);
  await loadDemoProgramme(database.db, other);
  await loadDemoActions(database.db, other);
  await loadDemoInsights(database.db, other);
  const org = other.organisationId;
  await database.db.execute(sql`update organisations set name = 'Othertown Council' where id = ${org}`);
  await database.db.execute(sql`update users set email = 'othertown.' || email, display_name = display_name || ' of Othertown' where organisation_id = ${org}`);
  await database.db.execute(sql`update children set child_ref = 'OT-' || child_ref, name = ${OTHER_MARK} || ' ' || coalesce(name, 'child') where organisation_id = ${org}`);
  await database.db.execute(sql`update teams set name = ${OTHER_MARK} || ' ' || name where organisation_id = ${org}`);
  const council: DemoCouncil = await loadDemo(database.db, TEST_PASSWORD);
  const app = await buildWebApp({ database, logger: options.logger ?? pino({ level: 'silent' }), cookieSecure: false, development: false });
  const [check] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from organisations`);
  if (check!.n !== 2) throw new Error('expected two councils');
  return {
    app,
    database,
    council,
    otherOrganisationId: org,
    client: () => new TestClient(app),
    async signInAs(role: Role) {
      const client = new TestClient(app);
      const account = DEMO_ACCOUNTS.find((a) => a.role === role)!;
      const response = await client.signIn(account.email, TEST_PASSWORD);
      if (response.status !== 303) throw new Error(`signing in as ${role} answered ${response.status}`);
      return client;
    },
    close: () => database.close(),
  };
}
