/**
 * What the ASVS suite shares: the application's routes read from Express, a value for every
 * route parameter taken from the demo, a fingerprint of everything stored (to prove a probe wrote
 * nothing), and the personal data of the demo's children (to prove it appears nowhere it should not).
 */
import type { Express } from 'express';
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../src/platform/db/client.ts';
import type { TestApp } from '../support/app.ts';

export interface Route {
  method: 'GET' | 'POST';
  pattern: string;
}

/** Every route the application answers, from Express itself: a route added later is covered without a change here. */
export function routesOf(app: Express): Route[] {
  const stack = (app as unknown as { router: { stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }> } }).router.stack;
  const routes: Route[] = [];
  for (const layer of stack) {
    if (!layer.route) continue;
    for (const method of Object.keys(layer.route.methods)) routes.push({ method: method.toUpperCase() as Route['method'], pattern: layer.route.path });
  }
  return routes;
}

export const paramsOf = (pattern: string): string[] => [...pattern.matchAll(/:(\w+)/g)].map((m) => m[1]!);

export function fill(pattern: string, params: Record<string, string>): string {
  return pattern.replace(/:(\w+)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`no value for :${name} in ${pattern}: add one to demoParams`);
    return encodeURIComponent(value);
  });
}

const one = async (db: Db, query: ReturnType<typeof sql>): Promise<string> => {
  const [row] = await queryRows<{ id: string }>(db, query);
  if (!row) throw new Error(`a demo record the security suite relies on is missing: ${JSON.stringify(query.queryChunks.filter((c) => typeof c === 'object' && 'value' in c))}`);
  return row.id;
};

/**
 * A real value for every route parameter, from the demo council `organisationId`: records that
 * exist, so a route answers as it does for real use. A new parameter fails `fill` until added here.
 */
export async function demoParams(db: Db, organisationId: string): Promise<Record<string, string>> {
  const org = organisationId;
  return {
    teamId: await one(db, sql`select id from teams where organisation_id = ${org} and name like '%Family support team north'`),
    serviceId: await one(db, sql`select id from services where organisation_id = ${org} order by name limit 1`),
    userId: await one(db, sql`select id from users where organisation_id = ${org} and display_name like 'Ben Carter%'`),
    catalogueId: 'practice-audit-tool',
    toolId: 'practice-audit-tool',
    notificationId: await one(db, sql`select n.id from notifications n join users u on u.id = n.user_id where u.organisation_id = ${org} order by n.created_at limit 1`).catch(
      () => '00000000-0000-4000-8000-000000000000',
    ),
    caseId: await one(db, sql`select id from children where organisation_id = ${org} order by (source = 'import') desc, child_ref limit 1`),
    childId: await one(db, sql`select id from children where organisation_id = ${org} and source = 'manual' order by child_ref limit 1`),
    // A council that has imported nothing yet gets an id that matches no import.
    importId: await one(db, sql`select id from case_imports where organisation_id = ${org} limit 1`).catch(() => '00000000-0000-4000-8000-000000000001'),
    actionId: await one(db, sql`select id from actions where organisation_id = ${org} order by created_at limit 1`),
    closureDate: '2026-12-29',
    auditId: await one(db, sql`select id from audits where organisation_id = ${org} order by created_at limit 1`),
    // A partner invited to that audit, or (none invited) the council's partner, whom it does not name.
    partnerId: await one(
      db,
      sql`select coalesce(
            (select i.user_id from audit_invitations i where i.audit_id = (select id from audits where organisation_id = ${org} order by created_at limit 1) limit 1),
            (select u.id from users u join user_roles r on r.user_id = u.id where u.organisation_id = ${org} and r.role = 'partner' limit 1)
          ) as id`,
    ),
    alertId: await one(db, sql`select id from safeguarding_alerts where organisation_id = ${org} limit 1`),
    areaNumber: '1',
    programmeId: await one(db, sql`select id from audit_programmes where organisation_id = ${org} limit 1`),
    auditRoundId: await one(db, sql`select id from audit_rounds where organisation_id = ${org} limit 1`),
    moderationId: await one(db, sql`select a.id from audits a join audit_moderations m on m.audit_id = a.id where a.organisation_id = ${org} limit 1`),
    disputeId: await one(db, sql`select d.id from audit_disputes d join audits a on a.id = d.audit_id where a.organisation_id = ${org} limit 1`),
    themeId: await one(db, sql`select id from audit_themes_list where organisation_id = ${org} limit 1`),
    // Restricted records: a grant to a named person (none in the demo: an id that matches none).
    grantId: await one(db, sql`select g.id from restriction_grants g join child_restrictions r on r.id = g.restriction_id where r.organisation_id = ${org} limit 1`).catch(
      () => '00000000-0000-4000-8000-000000000002',
    ),
    // Information governance: none in the demo until someone asks; then ids that match nothing.
    subjectAccessId: await one(db, sql`select id from subject_access_requests where organisation_id = ${org} limit 1`).catch(() => '00000000-0000-4000-8000-000000000003'),
    runId: await one(db, sql`select id from disposal_runs where organisation_id = ${org} limit 1`).catch(() => '00000000-0000-4000-8000-000000000004'),
    holdId: await one(db, sql`select id from legal_holds where organisation_id = ${org} limit 1`).catch(() => '00000000-0000-4000-8000-000000000005'),
    rehearsalRoundId: await one(db, sql`select round_id as id from insight_rehearsals where organisation_id = ${org} limit 1`),
  };
}

/** Tables a request may write without changing anything anyone asked for: who looked, and the session's last use. */
const BOOKKEEPING = new Set(['access_log', 'sessions', '__drizzle_migrations']);

/**
 * A hash of every row of every table but the bookkeeping ones. Equal fingerprints before and
 * after a probe mean it created, changed and deleted nothing.
 */
export async function fingerprint(db: Db): Promise<Record<string, string>> {
  const tables = await queryRows<{ name: string }>(db, sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`);
  const result: Record<string, string> = {};
  for (const { name } of tables) {
    if (BOOKKEEPING.has(name)) continue;
    const [row] = await queryRows<{ n: number; h: string | null }>(
      db,
      sql`select count(*)::int as n, md5(string_agg(md5(t::text), '' order by md5(t::text))) as h from ${sql.identifier(name)} t`,
    );
    result[name] = `${row!.n}:${row!.h ?? ''}`;
  }
  return result;
}

export interface PersonalData {
  names: string[];
  /** Dates of birth as pages and files could write them: ISO, and day/month/year. */
  datesOfBirth: string[];
}

/** Every child's name and date of birth in the database: what must never reach a URL, a log or browser storage. */
export async function childrensPersonalData(db: Db): Promise<PersonalData> {
  const rows = await queryRows<{ name: string | null; dob: string | null }>(db, sql`select name, date_of_birth::text as dob from children`);
  const names = [...new Set(rows.map((r) => r.name).filter((n): n is string => !!n && n.trim().length > 3))];
  const datesOfBirth = [...new Set(rows.flatMap((r) => (r.dob ? [r.dob, r.dob.split('-').reverse().join('/')] : [])))];
  return { names, datesOfBirth };
}

/** The first piece of personal data found in `text`, decoded as a URL would be, or undefined. */
export function findPersonalData(text: string, data: PersonalData): string | undefined {
  let decoded = text;
  try {
    decoded = decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    // Not URL-encoded: searched as it is.
  }
  const haystacks = [text, decoded].map((s) => s.toLowerCase());
  const words = [...data.names, ...data.datesOfBirth];
  return words.find((w) => haystacks.some((h) => h.includes(w.toLowerCase())));
}

export type { TestApp };

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&#x27;': "'", '&#x2F;': '/', '&#x3D;': '=', '&#x60;': '`' };
const decode = (s: string) => s.replace(/&(amp|lt|gt|quot|#39|#x27|#x2F|#x3D|#x60);/g, (m) => ENTITIES[m] ?? m);
const attr = (attrs: string, name: string) => {
  const m = new RegExp(`\\b${name}="([^"]*)"`).exec(attrs);
  return m ? decode(m[1]!) : undefined;
};

/**
 * The fields a page's form (the one posting to `action`) would send as the page stands: inputs
 * with their values, checked boxes and radios, selected options, text areas. What a browser
 * submits untouched, so a test can change one thing and add others.
 */
export function formFields(html: string, action: string): Record<string, string | string[]> {
  // A form without an action posts to the page's own address, which is how the create and edit forms are written.
  const forms = [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)].filter((m) => (attr(m[1]!, 'action') ?? action) === action && attr(m[1]!, 'method') === 'post');
  if (forms.length === 0) throw new Error(`no form posting to ${action} on the page`);
  const body = forms[0]![2]!;
  const fields: Record<string, string | string[]> = {};
  const add = (name: string, value: string) => {
    const existing = fields[name];
    fields[name] = existing === undefined ? value : [existing, value].flat();
  };
  for (const [, attrs] of body.matchAll(/<input\b([^>]*)>/g)) {
    const name = attr(attrs!, 'name');
    const type = attr(attrs!, 'type') ?? 'text';
    if (!name || type === 'submit' || type === 'file' || type === 'button') continue;
    if ((type === 'checkbox' || type === 'radio') && !/\bchecked\b/.test(attrs!)) continue;
    add(name, attr(attrs!, 'value') ?? (type === 'checkbox' ? 'on' : ''));
  }
  for (const [, attrs, text] of body.matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/g)) {
    const name = attr(attrs!, 'name');
    if (name) add(name, decode(text!.replace(/^\n/, '')));
  }
  for (const [, attrs, options] of body.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)) {
    const name = attr(attrs!, 'name');
    if (!name) continue;
    const all = [...options!.matchAll(/<option\b([^>]*)>/g)].map((o) => o[1]!);
    const chosen = all.find((o) => /\bselected\b/.test(o)) ?? all[0];
    add(name, chosen ? (attr(chosen, 'value') ?? '') : '');
  }
  return fields;
}
