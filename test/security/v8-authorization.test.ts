/**
 * OWASP ASVS 5.0, V8 Authorization: insecure direct object references probed over the whole
 * HTTP surface. Two councils share the database; for every role, requests are made to every GET
 * and POST route that names a record, with the id of a record the person must not reach: the
 * other council's, another team's in their own council, a restricted child's, a random one, a
 * malformed one. Each must be refused (403) or not found (404), show nothing of the record, and
 * write nothing.
 */
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../src/platform/auth/roles.ts';
import { queryRows, type Db } from '../../src/platform/db/client.ts';
import type { TestClient } from '../support/app.ts';
import { createTwoCouncilApp, OTHER_MARK, type TwoCouncils } from './councils.ts';
import { demoParams, fill, fingerprint, paramsOf, routesOf, type Route } from './support.ts';

/** Route parameters that name a record someone may or may not reach; the others (a tool, an area number, a date) name no one's data. */
const RECORD_PARAMS = new Set([
  'teamId', 'serviceId', 'userId', 'caseId', 'childId', 'importId', 'actionId', 'auditId', 'alertId', 'notificationId',
  'programmeId', 'auditRoundId', 'moderationId', 'disputeId', 'themeId', 'rehearsalRoundId', 'grantId',
  'subjectAccessId', 'runId', 'holdId',
]);

/** A record a person must not reach, and words from it that must not appear in the answer. */
interface Forbidden {
  id: string;
  /** Where it comes from, for the failure message. */
  source: string;
  marks: string[];
}

type Pools = Record<string, Forbidden[]>;

const idsOf = async (db: Db, query: ReturnType<typeof sql>) => (await queryRows<{ id: string; mark: string | null }>(db, query)).map((r) => ({ id: r.id, mark: r.mark }));

/**
 * The other council's records, every kind: nobody signed in here may reach any of them. Its
 * children's names and references all carry OTHER_MARK, which is checked on every answer besides.
 */
async function otherCouncilPools(db: Db, org: string): Promise<Pools> {
  const base = await demoParams(db, org);
  const pools: Pools = {};
  for (const [param, id] of Object.entries(base)) if (RECORD_PARAMS.has(param)) pools[param] = [{ id, source: `other council ${param}`, marks: [] }];
  const more = (param: string, rows: Array<{ id: string; mark: string | null }>) => {
    for (const r of rows) pools[param]!.push({ id: r.id, source: `other council ${param}`, marks: r.mark ? [r.mark] : [] });
  };
  more('caseId', await idsOf(db, sql`select id, child_ref as mark from children where organisation_id = ${org} order by child_ref limit 6`));
  more('auditId', await idsOf(db, sql`select a.id, c.child_ref as mark from audits a join children c on c.id = a.child_id where a.organisation_id = ${org} order by a.created_at limit 6`));
  more('actionId', await idsOf(db, sql`select id, null as mark from actions where organisation_id = ${org} order by created_at limit 6`));
  more('userId', await idsOf(db, sql`select id, email as mark from users where organisation_id = ${org} limit 4`));
  more('teamId', await idsOf(db, sql`select id, name as mark from teams where organisation_id = ${org} limit 4`));
  return pools;
}

/**
 * Records of this council outside the person's own part of it. Practitioners and practice
 * managers of Family support team north and the group manager of its service see neither the
 * children in care team's children nor their audits; the roles that see the whole council have
 * nothing here.
 */
async function otherTeamPools(db: Db, org: string): Promise<Pools> {
  const children = await idsOf(db, sql`select c.id, c.child_ref as mark from children c join teams t on t.id = c.team_id where c.organisation_id = ${org} and t.name = 'Children in care team' order by c.child_ref limit 6`);
  const audits = await idsOf(db, sql`select a.id, c.child_ref as mark from audits a join children c on c.id = a.child_id join teams t on t.id = c.team_id where a.organisation_id = ${org} and t.name = 'Children in care team' limit 6`);
  const pool = (source: string, rows: typeof children) => rows.map((r) => ({ id: r.id, source, marks: r.mark ? [r.mark] : [] }));
  return { caseId: pool('another team’s child', children), childId: pool('another team’s child', children), auditId: pool('another team’s audit', audits), moderationId: pool('another team’s audit', audits) };
}

/**
 * Restricted children and their audits, for people without a grant: restricted here, in the
 * database, with no grant to anyone, so every role is outside. Present once the restricted
 * records feature's table exists; until then this adds nothing.
 */
async function restrictedPools(db: Db, org: string, keep: string[]): Promise<Pools> {
  const [table] = await queryRows<{ present: boolean }>(db, sql`select to_regclass('child_restrictions') is not null as present`);
  if (!table!.present) return {};
  const children = await idsOf(db, sql`select c.id, c.child_ref as mark from children c join teams t on t.id = c.team_id where c.organisation_id = ${org} and t.name = 'Family support team north' and c.id not in (${sql.join(keep.map((id) => sql`${id}`), sql`, `)}) order by c.child_ref limit 3`);
  for (const child of children) {
    await db.execute(sql`insert into child_restrictions (organisation_id, child_id, reason, restricted_at) values (${org}, ${child.id}, 'high-profile', now())`);
  }
  const audits = await idsOf(
    db,
    sql`select a.id, c.child_ref as mark from audits a join children c on c.id = a.child_id where c.id in (select child_id from child_restrictions where lifted_at is null and organisation_id = ${org})`,
  );
  const pool = (source: string, rows: typeof children) => rows.map((r) => ({ id: r.id, source, marks: r.mark ? [r.mark] : [] }));
  return { caseId: pool('restricted child', children), childId: pool('restricted child', children), auditId: pool('restricted child’s audit', audits), moderationId: pool('restricted child’s audit', audits) };
}

/** Roles whose scope is part of the council: other teams' records are forbidden to them too. */
const TEAM_SCOPED: ReadonlySet<Role> = new Set(['practitioner', 'practice-manager', 'group-manager']);

const MALFORMED = ["1' or '1'='1", '../../etc/passwd', '0', '-1', 'null', '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '%00', 'a'.repeat(300)];

describe('ASVS V8 authorization: object-level probes', () => {
  let t: TwoCouncils;
  const clients = new Map<Role, TestClient>();
  let own: Record<string, string>;
  let idRoutes: Route[];
  let foreign: Pools;
  let otherTeams: Pools;
  let restricted: Pools;
  let before: Record<string, string>;
  let requests = 0;

  beforeAll(async () => {
    t = await createTwoCouncilApp();
    for (const role of ROLES) clients.set(role, await t.signInAs(role));
    own = await demoParams(t.database.db, t.council.organisationId);
    idRoutes = routesOf(t.app).filter((r) => paramsOf(r.pattern).some((p) => RECORD_PARAMS.has(p)));
    foreign = await otherCouncilPools(t.database.db, t.otherOrganisationId);
    otherTeams = await otherTeamPools(t.database.db, t.council.organisationId);
    // The records the probes use as the person's own stay unrestricted.
    restricted = await restrictedPools(t.database.db, t.council.organisationId, [own.caseId!, own.childId!]);
    before = await fingerprint(t.database.db);
  });
  afterAll(async () => {
    await t.close();
  });

  /** One probe: the answer is a refusal that shows nothing of the record. Returns what was wrong, if anything. */
  async function probe(role: Role, route: Route, substitute: Record<string, string>, marks: string[], label: string, allowBadRequest = false): Promise<string | undefined> {
    const client = clients.get(role)!;
    const path = fill(route.pattern, { ...own, ...substitute });
    // The client holds a form token from the last page it loaded: posts are well-formed, so what refuses them is authorisation.
    const response = route.method === 'GET' ? await client.get(path) : await client.post(path, {});
    requests++;
    const allowed = allowBadRequest ? [400, 403, 404] : [403, 404];
    // Break glass is the one door to a restricted child, for named roles, with a reason, reported to
    // the QA lead: its form may answer them (an empty reason is a 400), but shows nothing of the child.
    if (label.startsWith('restricted') && route.pattern.endsWith('/break-glass')) allowed.push(200, 400);
    const where = `${role} ${route.method} ${route.pattern} (${label})`;
    if (!allowed.includes(response.status)) return `${where} answered ${response.status}`;
    const shown = [OTHER_MARK, ...marks].find((mark) => response.text.includes(mark));
    return shown ? `${where} shows ${shown}` : undefined;
  }

  /** Every probe's problem, so one run lists them all. */
  async function sweep(probes: Array<() => Promise<string | undefined>>): Promise<string[]> {
    const problems: string[] = [];
    for (const p of probes) {
      const problem = await p();
      if (problem) problems.push(problem);
    }
    return problems;
  }

  it('V8.2.2 V8.4.1 refuses every role, on every route naming a record, the other council’s record (exhaustive)', async () => {
    expect(idRoutes.length).toBeGreaterThan(60);
    const substitute = Object.fromEntries(Object.entries(foreign).map(([param, list]) => [param, list[0]!.id]));
    const probes = idRoutes.flatMap((route) => ROLES.map((role) => () => probe(role, route, substitute, [], 'other council')));
    expect(await sweep(probes)).toEqual([]);
  });

  it('V8.2.2 V8.3.1 refuses other councils’, other teams’, restricted, random and malformed ids (property, 600 runs)', async () => {
    const targets = (role: Role, param: string): fc.Arbitrary<{ id: string; marks: string[]; source: string; malformed?: boolean }> => {
      const pools = [foreign[param] ?? [], TEAM_SCOPED.has(role) ? (otherTeams[param] ?? []) : [], restricted[param] ?? []].flat();
      const options: Array<fc.Arbitrary<{ id: string; marks: string[]; source: string; malformed?: boolean }>> = [
        fc.uuid({ version: 4 }).map((id) => ({ id, marks: [], source: 'random id' })),
        fc.constantFrom(...MALFORMED).map((id) => ({ id, marks: [], source: 'malformed id', malformed: true })),
      ];
      if (pools.length > 0) options.push(fc.constantFrom(...pools));
      return fc.oneof(...options);
    };
    const probeArb = fc
      .record({ role: fc.constantFrom(...ROLES), route: fc.constantFrom(...idRoutes) })
      .chain(({ role, route }) =>
        fc.constantFrom(...paramsOf(route.pattern).filter((p) => RECORD_PARAMS.has(p))).chain((param) => targets(role, param).map((target) => ({ role, route, param, target }))),
      );
    await fc.assert(
      fc.asyncProperty(probeArb, async ({ role, route, param, target }) => {
        expect(await probe(role, route, { [param]: target.id }, target.marks, target.source, target.malformed === true)).toBeUndefined();
      }),
      { numRuns: 600 },
    );
  });

  it('V8.2.2 hides restricted children from everyone without a grant, on every route that names a child or its audit', async () => {
    const params = Object.keys(restricted);
    if (params.length === 0) return void console.warn('Restricted records are not in this build: the restricted-id probes add nothing yet.');
    const probes = idRoutes.flatMap((route) =>
      paramsOf(route.pattern)
        .filter((p) => params.includes(p))
        .flatMap((name) => ROLES.map((role) => () => probe(role, route, { [name]: restricted[name]![0]!.id }, restricted[name]![0]!.marks, restricted[name]![0]!.source))),
    );
    expect(probes.length).toBeGreaterThan(0);
    expect(await sweep(probes)).toEqual([]);
  });

  it('V8.2.2 V16.5.3 wrote nothing in any probe, and every probe was counted', async () => {
    expect(await fingerprint(t.database.db)).toEqual(before);
    console.info(`authorization probes: ${requests} requests over ${idRoutes.length} routes × ${ROLES.length} roles`);
    expect(requests).toBeGreaterThan(idRoutes.length * ROLES.length);
  });
});
