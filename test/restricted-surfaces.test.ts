/**
 * THE PROOF that a restricted child is invisible to everyone without a grant. A demo child with
 * audits, a safeguarding alert, actions, family feedback and imported facts is given a distinctive
 * reference and restricted with no grant to any role account. Then every GET route the
 * application has (read from Express, as the access matrix does) is visited as every role and
 * signed out, with route parameters pointing at the child's own records wherever a route takes
 * one, and every download and "audits behind this figure" link those pages offer is followed too.
 * No response may carry the child's reference, its id, its audits', actions', alerts' or disputes'
 * ids, or its family's words. Counts drop by exactly the child's share. Granting access brings
 * every one of those surfaces back. A GET route with a parameter this file cannot fill fails the
 * suite, so a new page is covered the day it is added.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../src/platform/auth/roles.ts';
import { queryRows } from '../src/platform/db/client.ts';
import { londonDate } from '../src/platform/calendar/london.ts';
import { addDays } from '../src/platform/calendar/iso-date.ts';
import type { Actor } from '../src/platform/auth/actor.ts';
import { grantAccess, restrictChild } from '../src/restrictions/service.ts';
import { createTestApp, type TestApp, type TestClient } from './support/app.ts';

type Who = Role | 'anonymous';
const WHO: Who[] = ['anonymous', ...ROLES];
const SECRET_REF = 'ZQ-RESTRICTED-7731';
const SEARCH = 'zq-restr';
const SECRET_WORDS = 'Marmalade lighthouse said the family';

interface Secrets {
  childId: string;
  auditIds: string[];
  actionIds: string[];
  alertIds: string[];
  disputeIds: string[];
}

/** The page's visible numbers we compare before and after. */
interface Counts {
  cases: number | undefined;
  dipSample: number | undefined;
  driftOverdue: number | undefined;
  nav: Record<string, number>;
}

/** Every route the application answers, read from Express itself (as the access matrix reads them). */
function routesOf(app: TestApp['app']): string[] {
  const stack = (app as unknown as { router: { stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }> } }).router.stack;
  return stack.flatMap((layer) => (layer.route ? Object.keys(layer.route.methods).map((m) => `${m.toUpperCase()} ${layer.route!.path}`) : []));
}

/** The pages whose figures are compared before and after. */
const COUNTED = ['GET /', 'GET /cases', 'GET /timeliness/dip-sample', 'GET /timeliness/drift'];

const one = async <T>(t: TestApp, query: ReturnType<typeof sql>) => (await queryRows<T>(t.database.db, query))[0]!;

describe('restricted records never surface for people without a grant', () => {
  let t: TestApp;
  const clients = new Map<Who, TestClient>();
  let secrets: Secrets;
  let params: Record<string, string>;
  let getRoutes: string[];
  const before = new Map<Who, { showing: Set<string>; counts: Counts }>();
  /** The child's own share of the counted figures, read when the baseline was. */
  let child: { overdue: number; open: boolean } | undefined;

  /** The child with the most kinds of records hanging off it: audits, alerts, actions, disputes, facts. */
  async function richestChild(): Promise<string> {
    const row = await one<{ id: string }>(
      t,
      sql`select c.id from children c
          where c.organisation_id = ${t.council.organisationId} and exists (select 1 from case_facts f where f.child_id = c.id)
          order by (select count(*) from audits a where a.child_id = c.id and exists (select 1 from safeguarding_alerts s where s.audit_id = a.id)) > 0 desc,
                   (select count(*) from audit_disputes d join audits a on a.id = d.audit_id where a.child_id = c.id) > 0 desc,
                   (select count(*) from actions x join audits a on a.id = x.audit_id where a.child_id = c.id) desc,
                   (select count(*) from audits a where a.child_id = c.id) desc, c.child_ref
          limit 1`,
    );
    return row.id;
  }

  async function secretsOf(childId: string): Promise<Secrets> {
    const ids = async (query: ReturnType<typeof sql>) => (await queryRows<{ id: string }>(t.database.db, query)).map((r) => r.id);
    return {
      childId,
      auditIds: await ids(sql`select id from audits where child_id = ${childId}`),
      actionIds: await ids(sql`select id from actions where child_id = ${childId} or audit_id in (select id from audits where child_id = ${childId})`),
      alertIds: await ids(sql`select id from safeguarding_alerts where child_id = ${childId}`),
      disputeIds: await ids(sql`select d.id from audit_disputes d join audits a on a.id = d.audit_id where a.child_id = ${childId}`),
    };
  }

  /** What the response says beyond echoing the address asked for (a sign-in redirect carries it back). */
  function leaks(text: string, asked: string): string[] {
    for (const id of asked.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g) ?? []) text = text.split(id).join('');
    const found: string[] = [];
    if (text.includes(SECRET_REF)) found.push('child reference');
    if (text.includes(SECRET_WORDS)) found.push('family feedback');
    if (text.includes(secrets.childId)) found.push('child id');
    for (const [kind, list] of Object.entries({ audit: secrets.auditIds, action: secrets.actionIds, alert: secrets.alertIds, dispute: secrets.disputeIds })) {
      for (const id of list) if (text.includes(id)) found.push(`${kind} id`);
    }
    return found;
  }

  function fill(route: string): string {
    return route.replace(/:(\w+)/g, (_, name: string) => params[name]!);
  }

  /** Links on a page to downloads and to the lists behind figures, which we follow too. */
  function followable(html: string): string[] {
    const out = new Set<string>();
    for (const m of html.matchAll(/href="(\/[^"#]+)"/g)) {
      const href = m[1]!.replace(/&amp;/g, '&');
      if (/\/export|\.csv|\.xlsx|\/pdf|^\/insights\/audits\?/.test(href)) out.add(href);
    }
    return [...out];
  }

  function countsOf(pages: Map<string, string>): Counts {
    const num = (text: string | undefined, re: RegExp) => {
      const m = text ? re.exec(text) : null;
      return m ? Number(m[1]!.replace(/,/g, '')) : undefined;
    };
    const home = pages.get('GET /') ?? '';
    const nav: Record<string, number> = {};
    for (const m of home.matchAll(/href="([^"]+)"[^>]*>([^<]+)<span class="sl-count">(\d+)</g)) nav[m[1]!] = Number(m[3]);
    return {
      cases: num(pages.get('GET /cases'), /(\d[\d,]*) child(?:ren)?[,<]/),
      dipSample: num(pages.get('GET /timeliness/dip-sample'), /(\d[\d,]*) open cases?[,<]/),
      driftOverdue: num(pages.get('GET /timeliness/drift'), /(\d[\d,]*)<\/span> overdue/),
      nav,
    };
  }

  /** Visits every GET route and every followable link as `who`; returns page text by route. */
  async function visitAll(who: Who, only?: readonly string[]): Promise<Map<string, string>> {
    const client = clients.get(who)!;
    const pages = new Map<string, string>();
    const followed = new Set<string>();
    for (const route of only ?? getRoutes) {
      if (route === 'GET /assets/{*file}') continue;
      const response = await client.get(fill(route.slice(4)));
      const text = response.text ?? response.body?.toString?.('latin1') ?? '';
      pages.set(route, text);
      if (route === 'GET /cases') {
        // The search, by the start of the reference: the child is found only by those who may see it.
        const search = await client.get(`/cases?childRef=${SEARCH}`);
        pages.set(`LINK /cases?childRef=${SEARCH}`, search.text ?? '');
      }
      if (response.status === 200 && typeof response.text === 'string') for (const link of followable(response.text)) followed.add(link);
    }
    // Every download, and the lists behind figures up to a bound that keeps the run short.
    const downloads = [...followed].filter((l) => !l.startsWith('/insights/audits?'));
    const lists = [...followed].filter((l) => l.startsWith('/insights/audits?')).slice(0, 3);
    for (const link of only ? [] : [...downloads, ...lists]) {
      const response = await client.get(link);
      const text = typeof response.text === 'string' && response.text.length > 0 ? response.text : Buffer.isBuffer(response.body) ? response.body.toString('latin1') : JSON.stringify(response.body ?? '');
      pages.set(`LINK ${link}`, text);
    }
    return pages;
  }

  const qaActor = (): Actor => ({ userId: t.council.people['qa-lead']!, organisationId: t.council.organisationId, displayName: 'QA lead', email: 'qa-lead@northbridge.example', roles: ['qa-officer'], teamId: null });

  beforeAll(async () => {
    t = await createTestApp();
    const childId = await richestChild();
    await t.database.db.execute(sql`update children set child_ref = ${SECRET_REF} where id = ${childId}`);
    secrets = await secretsOf(childId);
    const auditId = secrets.auditIds[0]!;
    await t.database.db.execute(
      sql`insert into audit_family_feedback (audit_id, respondent, method, what_they_said, rating, recorded_by) values (${auditId}, 'parent', 'phone', ${SECRET_WORDS}, 4, ${t.council.people['qa-officer']!})`,
    );
    await t.database.db.execute(
      sql`insert into actions (organisation_id, child_id, audit_id, tool_id, what, owner_id, due_date, created_by)
          select organisation_id, child_id, id, tool_id, 'Check the plan with the family within ten working days', ${t.council.people['practitioner']!}, current_date + 3, ${t.council.people['practice-manager']!}
          from audits where id = ${auditId}`,
    );
    secrets = await secretsOf(childId);
    clients.set('anonymous', t.client());
    for (const role of ROLES) clients.set(role, await t.signInAs(role));
    const fixture = async (query: ReturnType<typeof sql>, fallback?: string) => (await queryRows<{ id: string }>(t.database.db, query))[0]?.id ?? fallback!;
    params = {
      // The child's own records wherever a route names one.
      caseId: childId,
      childId,
      auditId,
      alertId: secrets.alertIds[0] ?? (await fixture(sql`select id from safeguarding_alerts limit 1`)),
      actionId: secrets.actionIds[0]!,
      moderationId: (await fixture(sql`select m.audit_id as id from audit_moderations m join audits a on a.id = m.audit_id where a.child_id = ${childId} limit 1`)) ?? auditId,
      disputeId: secrets.disputeIds[0] ?? (await fixture(sql`select id from audit_disputes limit 1`)),
      // Everything else: the same demo records the access matrix uses.
      teamId: t.council.teams['cic']!,
      serviceId: t.council.services['safeguarding']!,
      userId: t.council.people['sw-2']!,
      catalogueId: 'practice-audit-tool',
      toolId: 'practice-audit-tool',
      notificationId: '00000000-0000-4000-8000-000000000000',
      grantId: '00000000-0000-4000-8000-000000000000',
      runId: await fixture(sql`select id from job_runs limit 1`, '00000000-0000-4000-8000-000000000000'),
      holdId: '00000000-0000-4000-8000-000000000000',
      subjectAccessId: '00000000-0000-4000-8000-000000000000',
      importId: await fixture(sql`select id from case_imports limit 1`),
      areaNumber: '1',
      partnerId: t.council.people['partner']!,
      closureDate: '2026-12-29',
      programmeId: await fixture(sql`select id from audit_programmes order by created_at limit 1`),
      auditRoundId: await fixture(sql`select coalesce((select round_id from audits where child_id = ${childId} and round_id is not null limit 1), (select round_id from audit_round_allocations limit 1)) as id`),
      rehearsalRoundId: await fixture(sql`select round_id as id from insight_rehearsals limit 1`),
      themeId: await fixture(sql`select coalesce((select theme_id from audit_themes where audit_id = ${auditId} limit 1), (select id from audit_themes_list limit 1)) as id`),
    };
    getRoutes = routesOf(t.app).filter((r) => r.startsWith('GET '));
    // Before the restriction: every page as the QA officer (council-wide), and each role's counted pages.
    for (const who of WHO) {
      const pages = who === 'qa-officer' ? await visitAll(who) : await visitAll(who, COUNTED);
      before.set(who, { showing: new Set([...pages].filter(([, text]) => text.includes(SECRET_REF)).map(([k]) => k)), counts: countsOf(pages) });
    }
    [child] = await queryRows<{ overdue: number; open: boolean }>(
      t.database.db,
      sql`select (select count(*)::int from compliance_items i where i.child_id = c.id and i.actual_date is null and i.status <> 'missed' and i.due_date < ${londonDate(new Date())}::date) as overdue,
                 c.case_type is not null as open
          from children c where c.id = ${secrets.childId}`,
    );
    // Restricted by the QA lead (no role account), who alone holds a grant.
    await restrictChild(t.database.db, qaActor(), childId, { reason: 'staff-or-relative', note: null, lastDay: addDays(londonDate(new Date()), 30) }, new Date());
  }, 300_000);
  afterAll(async () => {
    await t?.close();
  });

  it('can fill every GET route: a new page without a value for its parameters fails here', () => {
    const missing = getRoutes.flatMap((r) => [...r.matchAll(/:(\w+)/g)].map((m) => m[1]!)).filter((name) => !(name in params) || !params[name]);
    expect(missing).toEqual([]);
  });

  it('was visible before: the pages that showed the child are the surfaces under test', () => {
    expect(before.get('qa-officer')!.showing.size).toBeGreaterThan(10);
    expect(before.get('qa-officer')!.counts.cases).toBeGreaterThan(50);
    expect(before.get('anonymous')!.showing.size).toBe(0);
  });

  const afterPages = new Map<Who, Map<string, string>>();
  for (const who of WHO) {
    it(`never shows the child or its records to ${who}`, async () => {
      const pages = await visitAll(who);
      afterPages.set(who, pages);
      const found = [...pages].flatMap(([page, text]) => leaks(text, page.startsWith('LINK ') ? page : fill(page)).map((what) => `${page}: ${what}`));
      expect(found).toEqual([]);
    }, 120_000);
  }

  it('counts as if the child did not exist', async () => {
    for (const who of WHO) {
      const was = before.get(who)!;
      const now = countsOf(afterPages.get(who)!);
      // Whether the child was in this person's scope: their search found it.
      const covered = was.showing.has(`LINK /cases?childRef=${SEARCH}`) ? 1 : 0;
      expect({ who, cases: now.cases }).toEqual({ who, cases: was.counts.cases === undefined ? undefined : was.counts.cases - covered });
      expect({ who, dip: now.dipSample }).toEqual({ who, dip: was.counts.dipSample === undefined ? undefined : was.counts.dipSample - (child!.open ? covered : 0) });
      if (was.counts.driftOverdue !== undefined) {
        // The child's overdue deadlines left the figure for everyone whose scope covered the child.
        expect({ who, drift: now.driftOverdue }).toEqual({ who, drift: was.counts.driftOverdue - covered * child!.overdue });
      }
      for (const [href, n] of Object.entries(now.nav)) expect({ who, href, n: n <= (was.counts.nav[href] ?? 0) }).toEqual({ who, href, n: true });
    }
  });

  it('answers the child page exactly as for a child that does not exist', async () => {
    for (const who of ROLES) {
      const client = clients.get(who)!;
      const restricted = await client.get(`/cases/${secrets.childId}`);
      const nobody = await client.get('/cases/00000000-0000-4000-8000-000000000001');
      // 404 for staff; a partner may not open case pages at all, restricted or not (403 either way).
      expect({ who, status: restricted.status }).toEqual({ who, status: nobody.status });
      {
        // Only what changes on every page (script nonces, one-time form keys) may differ.
        const same = (html: string) => html.replace(/nonce="[^"]+"|name="_submission" value="[^"]+"/g, '');
        expect(same(restricted.text)).toBe(same(nobody.text));
      }
    }
  });

  it('shows everything again to a person granted access', async () => {
    await grantAccess(t.database.db, qaActor(), (await one<{ id: string }>(t, sql`select id from child_restrictions where child_id = ${secrets.childId} and lifted_at is null`)).id, {
      userId: t.council.people['qa-officer']!,
      lastDay: addDays(londonDate(new Date()), 30),
      version: 1,
    }, new Date());
    const pages = await visitAll('qa-officer', getRoutes);
    const showing = new Set([...pages].filter(([, text]) => text.includes(SECRET_REF)).map(([k]) => k));
    expect([...before.get('qa-officer')!.showing].filter((page) => !page.startsWith('LINK ') && !showing.has(page))).toEqual([]);
    expect(countsOf(pages)).toEqual(before.get('qa-officer')!.counts);
  }, 120_000);

  it('shows a partner who the child is only when their invitation shares it', async () => {
    const partnerId = t.council.people['partner'] ?? (await one<{ id: string }>(t, sql`select id from users where email = 'partner@northbridge.example'`)).id;
    const invited = await one<{ auditId: string; name: string; childRef: string }>(
      t,
      sql`select a.id as "auditId", c.name, c.child_ref as "childRef" from audit_invitations i join audits a on a.id = i.audit_id join children c on c.id = a.child_id
          where i.user_id = ${partnerId} and c.name is not null and c.id <> ${secrets.childId} limit 1`,
    );
    const partner = await t.signInAs('partner');
    const pagesOf = async () => {
      const overview = await partner.get(`/audits/${invited.auditId}`);
      expect(overview.status).toBe(200);
      const areas = [...new Set([...overview.text.matchAll(new RegExp(`/audits/${invited.auditId}/areas/\\d+`, 'g'))].map((m) => m[0]))];
      expect(areas.length).toBeGreaterThan(0);
      const texts = [overview.text, (await partner.get('/audits')).text];
      for (const area of areas) texts.push((await partner.get(area)).text);
      return texts.join('\n');
    };
    const withheld = await pagesOf();
    expect(withheld).toContain(invited.childRef);
    expect(withheld).not.toContain(invited.name);
    expect(withheld).not.toContain('What the imported data says');
    expect((await partner.get(`/cases/${(await one<{ id: string }>(t, sql`select child_id as id from audits where id = ${invited.auditId}`)).id}`)).status).toBe(403);

    await t.database.db.execute(sql`update audit_invitations set share_child_details = true where audit_id = ${invited.auditId} and user_id = ${partnerId}`);
    expect(await pagesOf()).toContain(invited.name);
  });
});
