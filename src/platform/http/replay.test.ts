/**
 * A form sent twice (a double click, the browser's "resubmit?", a retried connection: the same
 * body with the same CSRF token and submission id) creates one record, and the second sending
 * is answered with where the first one led. Proven over the forms that create things, and the
 * case-data upload; a form sent back with errors leaves its id usable.
 */
import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../db/client.ts';
import { csrfFrom, createTestApp, type TestApp } from '../../../test/support/app.ts';
import { generateCouncil } from '../../../test/synthetic/council.ts';
import { ssdFiles } from '../../../test/synthetic/write-ssd.ts';
import { waitForImport } from '../../cases/case-fixtures.ts';
import type { Role } from '../auth/roles.ts';
import { cookieNames } from './session.ts';
import { SUBMISSION_FIELD, submissionFingerprint, withSubmissionIds } from './replay.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ demo: 'council' });
});
afterAll(async () => {
  await t?.close();
});

/** The submission id of the form that posts to `action` (a form with no action posts to its own page, `page`). */
function submissionIdFor(html: string, action: string, page = action): string {
  for (const form of html.matchAll(/<form\b[^>]*>[\s\S]*?<\/form>/g)) {
    const tag = /^<form\b[^>]*>/.exec(form[0])![0];
    const target = /action="([^"]*)"/.exec(tag)?.[1] ?? page;
    if (target !== action) continue;
    const id = new RegExp(`name="${SUBMISSION_FIELD}" value="([^"]+)"`).exec(form[0])?.[1];
    if (id) return id;
  }
  throw new Error(`no form posting to ${action} with a submission id`);
}

async function count(table: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(t.database.db, sql`select count(*)::int as n from ${sql.identifier(table)}`);
  return row!.n;
}

let serial = 0;

/** A form that creates something: who sends it, the page it is on, and what they type. */
interface CreateForm {
  name: string;
  who: Role;
  page: string;
  action: string;
  table: string;
  fields: () => Record<string, string | string[]>;
}

const CREATE_FORMS: CreateForm[] = [
  { name: 'a service', who: 'admin', page: '/admin/services/new', action: '/admin/services/new', table: 'services', fields: () => ({ name: `Replayed service ${++serial}` }) },
  {
    name: 'a team',
    who: 'admin',
    page: '/admin/teams/new',
    action: '/admin/teams/new',
    table: 'teams',
    fields: () => ({ name: `Replayed team ${++serial}`, serviceId: Object.values(t.council.services)[0]!, managerUserId: '' }),
  },
  {
    name: 'a user',
    who: 'admin',
    page: '/admin/users/new',
    action: '/admin/users/new',
    table: 'users',
    fields: () => ({
      displayName: `Replay Person ${++serial}`,
      email: `replay.person.${serial}@northbridge.example`,
      jobTitle: 'Social worker',
      teamId: t.council.teams['fst-south']!,
      lineManagerId: t.council.people['pm-south']!,
      roles: ['practitioner'],
      password: 'a long enough password',
    }),
  },
  { name: 'a theme', who: 'qa-officer', page: '/themes', action: '/themes', table: 'audit_themes_list', fields: () => ({ name: `Replayed theme ${++serial}`, description: 'Sent twice.' }) },
  {
    name: 'an action',
    who: 'practice-manager',
    page: '/actions/new',
    action: '/actions/new',
    table: 'actions',
    fields: () => ({ ownerId: t.council.people['practitioner']!, what: `Keep in touch with the school, ongoing (${++serial})`, smartChecked: 'yes' }),
  },
];

describe('a form sent twice runs once', () => {
  it('gives every form that carries the CSRF token its own submission id, and no search form one', async () => {
    const qa = await t.signInAs('qa-officer');
    for (const path of ['/', '/themes', '/cases', '/audits', '/actions', '/case-data/imports/new']) {
      const html = (await qa.get(path)).text;
      const tokens = html.match(/name="_csrf"/g)?.length ?? 0;
      const ids = [...html.matchAll(new RegExp(`name="${SUBMISSION_FIELD}" value="([0-9a-f-]{36})"`, 'g'))].map((m) => m[1]);
      expect(ids.length, path).toBe(tokens);
      expect(new Set(ids).size, path).toBe(ids.length);
      for (const form of html.matchAll(/<form\b[^>]*method="get"[^>]*>[\s\S]*?<\/form>/g)) expect(form[0], path).not.toContain(SUBMISSION_FIELD);
    }
    // A new id each time the page is drawn: reloading a form is a new sending.
    const again = await qa.get('/themes');
    const first = await qa.get('/themes');
    expect(submissionIdFor(again.text, '/themes')).not.toBe(submissionIdFor(first.text, '/themes'));
  });

  for (const form of CREATE_FORMS) {
    it(`creates ${form.name} once when the same form is sent twice, and sends the second where the first led`, async () => {
      const client = await t.signInAs(form.who);
      const id = submissionIdFor((await client.get(form.page)).text, form.action);
      const body = { ...form.fields(), [SUBMISSION_FIELD]: id };
      const before = await count(form.table);
      const first = await client.post(form.action, body);
      expect(first.status, first.text.slice(0, 500)).toBe(303);
      const second = await client.post(form.action, body);
      expect(second.status).toBe(303);
      expect(second.headers.location).toBe(first.headers.location);
      expect(await count(form.table)).toBe(before + 1);
    });
  }

  it('creates one record when both sendings arrive at once (a double click)', async () => {
    const admin = await t.signInAs('admin');
    const id = submissionIdFor((await admin.get('/admin/users/new')).text, '/admin/users/new');
    const body = { ...CREATE_FORMS[2]!.fields(), [SUBMISSION_FIELD]: id };
    const before = await count('users');
    const answers = await Promise.all([admin.post('/admin/users/new', body), admin.post('/admin/users/new', body), admin.post('/admin/users/new', body)]);
    expect(answers.map((a) => a.status)).toEqual([303, 303, 303]);
    expect(new Set(answers.map((a) => a.headers.location)).size).toBe(1);
    expect(await count('users')).toBe(before + 1);
  });

  it('leaves the id usable when the form is sent back with errors, so the corrected form is saved (once)', async () => {
    const qa = await t.signInAs('qa-officer');
    const id = submissionIdFor((await qa.get('/themes')).text, '/themes');
    const before = await count('audit_themes_list');
    const wrong = await qa.post('/themes', { name: '', [SUBMISSION_FIELD]: id });
    expect(wrong.status).toBe(400);
    const corrected = { name: `Corrected theme ${++serial}`, description: '', [SUBMISSION_FIELD]: id };
    expect((await qa.post('/themes', corrected)).status).toBe(303);
    expect((await qa.post('/themes', corrected)).status).toBe(303);
    expect(await count('audit_themes_list')).toBe(before + 1);
  });

  it('treats the same id with different content as a new sending (back, changed a field, sent again)', async () => {
    const qa = await t.signInAs('qa-officer');
    const id = submissionIdFor((await qa.get('/themes')).text, '/themes');
    const before = await count('audit_themes_list');
    expect((await qa.post('/themes', { name: `First of two ${++serial}`, [SUBMISSION_FIELD]: id })).status).toBe(303);
    expect((await qa.post('/themes', { name: `Second of two ${serial}`, [SUBMISSION_FIELD]: id })).status).toBe(303);
    expect(await count('audit_themes_list')).toBe(before + 2);
  });

  it('leaves the autosave (which asks for JSON and sends the same form again and again) alone', async () => {
    const admin = await t.signInAs('admin');
    const id = submissionIdFor((await admin.get('/admin/services/new')).text, '/admin/services/new');
    const before = await count('form_submissions');
    await admin.post('/admin/services/new', { name: `Scripted service ${++serial}`, [SUBMISSION_FIELD]: id }, { headers: { Accept: 'application/json' } });
    expect(await count('form_submissions')).toBe(before);
  });

  it('uploads case data once when the upload is sent twice; the same files sent again as a new upload change nothing', async () => {
    const qa = await t.signInAs('qa-officer');
    const council = generateCouncil({ seed: 7, children: 20, years: 2, asOf: '2026-03-31' });
    const files = [...ssdFiles(council)].filter(([name]) => /^ssd_(person|cin_episodes|cin_visits|cp_plans|cp_visits)\.csv$/.test(name));
    const upload = async () => {
      const page = await qa.get('/case-data/imports/new');
      const id = submissionIdFor(page.text, '/case-data/imports');
      const names = cookieNames(false);
      const send = () => {
        let post = request(t.app)
          .post('/case-data/imports')
          .set('Cookie', [names.session, names.pre].flatMap((n) => (qa.cookie(n) ? [`${n}=${qa.cookie(n)}`] : [])).join('; '))
          .field('_csrf', csrfFrom(page.text)!)
          .field(SUBMISSION_FIELD, id);
        for (const [name, content] of files) post = post.attach('files', Buffer.from(content), name);
        return post.redirects(0);
      };
      const first = await send();
      const second = await send();
      expect([first.status, second.status]).toEqual([303, 303]);
      expect(second.headers.location).toBe(first.headers.location);
      await waitForImport(qa, first.headers.location!);
      return first.headers.location!;
    };
    const imports = await count('case_imports');
    const firstImport = await upload();
    expect(await count('case_imports')).toBe(imports + 1);
    const facts = await count('case_facts');
    const children = await count('children');
    expect(facts).toBeGreaterThan(0);

    // A deliberate second upload of the same files (a new form): a second import, and nothing doubled.
    const secondImport = await upload();
    expect(secondImport).not.toBe(firstImport);
    expect(await count('case_imports')).toBe(imports + 2);
    expect([await count('case_facts'), await count('children')]).toEqual([facts, children]);
    expect((await qa.get(secondImport)).text).toMatch(/0 new, 0 changed, \d+ unchanged/);
  });
});

describe('every POST route', () => {
  /** POST routes as Express holds them (the access matrix reads them the same way). */
  function postRoutes(): string[] {
    const stack = (t.app as unknown as { router: { stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }> } }).router.stack;
    return stack.flatMap((layer) => (layer.route?.methods.post ? [layer.route.path] : []));
  }

  it('keeps the outcome of a sending only when it ended in a redirect, and answers its replay with that redirect', async () => {
    const routes = postRoutes().filter((path) => path !== '/sign-out');
    expect(routes.length).toBeGreaterThan(40);
    const tally = { released: 0, kept: 0 };
    for (const role of ['admin', 'qa-officer'] as const) {
      const client = await t.signInAs(role);
      const userId = (await queryRows<{ id: string }>(t.database.db, sql`select id from users where email = ${`${role}@northbridge.example`}`))[0]!.id;
      for (const route of routes) {
        // Ids that name nothing: the route answers as it would for any stale or mistaken form.
        const path = route.replace(/:areaNumber/g, '1').replace(/:[A-Za-z]+/g, '00000000-0000-4000-8000-000000000000');
        await client.get('/');
        const fields = { [SUBMISSION_FIELD]: crypto.randomUUID() };
        const first = await client.post(path, fields);
        const [row] = await queryRows<{ n: number; location: string | null }>(
          t.database.db,
          sql`select count(*)::int as n, max(location) as location from form_submissions where user_id = ${userId} and created_at > now() - interval '1 minute' and fingerprint = ${submissionFingerprint(fields[SUBMISSION_FIELD]!, { method: 'POST', originalUrl: path, body: fields, files: undefined })}`,
        );
        if (first.status >= 300 && first.status < 400) {
          tally.kept++;
          expect(row, `${role} ${path}`).toMatchObject({ n: 1, location: first.headers.location });
          expect((await client.post(path, fields)).headers.location, `${role} ${path}`).toBe(first.headers.location);
        } else {
          tally.released++;
          expect(row!.n, `${role} ${path} answered ${first.status}`).toBe(0);
        }
      }
    }
    expect(tally.released).toBeGreaterThan(0);
  });
});

describe('submission ids and fingerprints', () => {
  it('adds an id after each CSRF input only', () => {
    const html = '<form method="post"><input type="hidden" name="_csrf" value="t"></form><form method="post"><input type="hidden" name="_csrf" value="t"></form><form method="get"></form>';
    const out = withSubmissionIds(html);
    const ids = [...out.matchAll(/name="_submission" value="([^"]+)"/g)].map((m) => m[1]);
    expect(ids).toHaveLength(2);
    expect(ids[0]).not.toBe(ids[1]);
  });

  it('fingerprints the id, route and content, but not the CSRF token or the order of fields', () => {
    const id = '3f0d5b8e-4d1a-4c52-9a51-0d1f1d1e2f3a';
    const base = { method: 'POST', originalUrl: '/themes', files: undefined };
    const a = submissionFingerprint(id, { ...base, body: { name: 'x', description: 'y', _csrf: 'one' } });
    expect(submissionFingerprint(id, { ...base, body: { description: 'y', name: 'x', _csrf: 'two' } })).toBe(a);
    expect(submissionFingerprint(id, { ...base, body: { name: 'x', description: 'z' } })).not.toBe(a);
    expect(submissionFingerprint(id, { ...base, originalUrl: '/admin/services/new', body: { name: 'x', description: 'y' } })).not.toBe(a);
    expect(submissionFingerprint('4f0d5b8e-4d1a-4c52-9a51-0d1f1d1e2f3a', { ...base, body: { name: 'x', description: 'y' } })).not.toBe(a);
  });
});
