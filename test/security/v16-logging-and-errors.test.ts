/**
 * OWASP ASVS 5.0, V16 Security Logging and Error Handling: the application logs through the
 * server's own logger configuration into a buffer while people use it, and the test reads every
 * line: the events an investigation needs are there, and no child's name or date of birth, no
 * e-mail address, password, session token or cookie is. An unexpected error is caused for real
 * (a table the query needs is renamed), and its page gives a reference and nothing else.
 */
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebApp } from '../../src/app.ts';
import { loadDemo } from '../../src/demo/index.ts';
import { DEMO_ACCOUNTS, type DemoCouncil } from '../../src/demo/northbridge.ts';
import type { Role } from '../../src/platform/auth/roles.ts';
import { createLogger } from '../../src/platform/http/logger.ts';
import { TEST_PASSWORD, TestClient } from '../support/app.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { childrensPersonalData, demoParams, findPersonalData, type PersonalData } from './support.ts';

describe('ASVS V16 logging and error handling', () => {
  let database: TestDatabase;
  let council: DemoCouncil;
  let app: Awaited<ReturnType<typeof buildWebApp>>;
  let params: Record<string, string>;
  let personal: PersonalData;
  const lines: string[] = [];
  /** What the journey sent that must never be written down. */
  const secrets = new Set<string>([TEST_PASSWORD]);

  const signInAs = async (role: Role) => {
    const client = new TestClient(app);
    const response = await client.signIn(DEMO_ACCOUNTS.find((a) => a.role === role)!.email, TEST_PASSWORD);
    expect(response.status).toBe(303);
    secrets.add(client.cookie('sightline')!);
    secrets.add(client.cookie('sightline-pre') ?? TEST_PASSWORD);
    return client;
  };
  const entries = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

  beforeAll(async () => {
    database = await createTestDatabase();
    council = await loadDemo(database.db, TEST_PASSWORD);
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter((l) => l !== ''));
        done();
      },
    });
    app = await buildWebApp({ database, logger: createLogger('info', sink), cookieSecure: false, development: false });
    params = await demoParams(database.db, council.organisationId);
    personal = await childrensPersonalData(database.db);
    for (const account of DEMO_ACCOUNTS) secrets.add(account.email);
  });
  afterAll(async () => {
    await database.close();
  });

  it('V16.3.1 V16.3.2 V16.2.1 logs sign-in failures, refusals and every request with when, who, what and the outcome', async () => {
    const stranger = new TestClient(app);
    expect((await stranger.signIn('practitioner@northbridge.example', 'wrong password')).status).toBe(401);
    const partner = await signInAs('partner');
    expect((await partner.get(`/cases/${params.caseId}`)).status).toBe(403);
    const refusal = entries().find((e) => e.route === '/cases/:caseId' && e.status === 403);
    expect(refusal).toMatchObject({ method: 'GET', userId: council.people['partner'] });
    expect(refusal!.time).toEqual(expect.any(Number));
    expect(refusal!.reqId).toEqual(expect.any(String));
    expect(entries().some((e) => e.route === '/sign-in' && e.method === 'POST' && e.status === 401)).toBe(true);
  });

  it('V16.5.1 V13.4.2 V16.3.4 answers an unexpected error with a reference and nothing of the server’s insides, and logs it under that reference', async () => {
    const qa = await signInAs('qa-officer');
    await database.db.execute(sql.raw('alter table children rename to children_moved_away'));
    let response: request.Response;
    try {
      response = await qa.get(`/cases/${params.caseId}`);
    } finally {
      await database.db.execute(sql.raw('alter table children_moved_away rename to children'));
    }
    expect(response.status).toBe(500);
    expect(response.text).toContain('Sorry, there is a problem with Sightline');
    for (const inside of [/children_moved_away/, /relation/i, /\bselect\b/i, /\.ts\b/, /node_modules/, /\bat [\w.<>]+ \(/, /\/work\//, /PGlite|postgres/i]) {
      expect(response.text).not.toMatch(inside);
    }
    const reference = String(response.headers['x-request-id']);
    expect(response.text).toContain(reference);
    expect(entries().some((e) => e.reqId === reference && e.msg === 'unhandled error')).toBe(true);
  });

  it('V16.4.1 writes one JSON line per event, whatever a request puts in its path or headers', async () => {
    const before = lines.length;
    await request(app).get('/cases/%0d%0a{"msg":"forged","level":50}').set('User-Agent', '"}{"forged":true}');
    await request(app).get('/no%0Aline%0Dbreak');
    const added = lines.slice(before);
    expect(added.length).toBeGreaterThan(0);
    for (const line of added) {
      const entry = JSON.parse(line) as Record<string, unknown>;
      expect(entry.msg).not.toBe('forged');
      expect(entry).not.toHaveProperty('forged');
    }
  });

  it('V16.2.5 V14.2.4 keeps every child’s name and date of birth, every e-mail address, the password, session tokens and cookies out of the logs, through a whole journey and its errors', async () => {
    const practitioner = await signInAs('practitioner');
    const qa = await signInAs('qa-officer');
    const [child] = await database.db.execute(sql`select id, name, child_ref from children where id = ${params.caseId}`).then((r) => (r as unknown as { rows: Array<{ id: string; name: string; child_ref: string }> }).rows);
    // Reading: lists, a child, an audit, a search by reference, downloads.
    for (const path of ['/', '/cases', `/cases/${params.caseId}`, `/cases?childRef=${child!.child_ref}`, `/audits/${params.auditId}`, '/actions/export.csv', '/timeliness/drift']) await practitioner.get(path);
    for (const path of ['/cases', `/cases/${params.caseId}`, '/case-data/imports', `/case-data/imports/${params.importId}`, '/insights/report']) await qa.get(path);
    // Writing: a child added by hand (a name and date of birth in the form), a form with errors.
    await qa.get('/cases/new');
    await qa.post('/cases/new', { childRef: 'LOG-001', name: 'Logan Probeworth', 'dateOfBirth-day': '9', 'dateOfBirth-month': '9', 'dateOfBirth-year': '2015', teamId: council.teams['fst-north']!, workerId: council.people['practitioner']!, caseType: 'cin' });
    await qa.post('/cases/new', { childRef: '', name: child!.name, 'dateOfBirth-day': '31', 'dateOfBirth-month': '2', 'dateOfBirth-year': '2015' });
    personal.names.push('Logan Probeworth');
    personal.datesOfBirth.push('2015-09-09');
    // Errors: a child's name where an id belongs, and a database error while a name is in the request.
    await practitioner.get(`/cases/${encodeURIComponent(child!.name)}`);
    // The database refuses the new child's row: the failed insert carried its name and date of birth.
    await database.db.execute(sql.raw(`create function refuse_child() returns trigger language plpgsql as $$ begin raise exception 'refused for the test'; end $$`));
    await database.db.execute(sql.raw('create trigger refuse_child before insert on children for each row execute function refuse_child()'));
    try {
      const refused = await qa.post('/cases/new', { childRef: 'LOG-002', name: 'Morwenna Probeclough', 'dateOfBirth-day': '14', 'dateOfBirth-month': '7', 'dateOfBirth-year': '2013', teamId: council.teams['fst-north']!, workerId: council.people['practitioner']!, caseType: 'cin' });
      expect(refused.status).toBe(500);
    } finally {
      await database.db.execute(sql.raw('drop trigger refuse_child on children'));
    }
    personal.names.push('Morwenna Probeclough');
    personal.datesOfBirth.push('2013-07-14');
    await database.db.execute(sql.raw('alter table children rename to children_moved_away'));
    try {
      await qa.get(`/cases?childRef=${encodeURIComponent(child!.child_ref)}`);
    } finally {
      await database.db.execute(sql.raw('alter table children_moved_away rename to children'));
    }
    expect(lines.some((l) => l.includes('refused for the test')), 'the refusal is logged').toBe(true);
    // Signing out, and a stale session.
    await practitioner.post('/sign-out');
    await practitioner.get('/');

    expect(lines.length).toBeGreaterThan(30);
    const log = lines.join('\n');
    expect(findPersonalData(log, personal), 'a child’s name or date of birth in the log').toBeUndefined();
    for (const secret of secrets) expect(log.includes(secret), `the log holds ${secret.includes('@') ? 'an e-mail address' : 'a password, token or cookie'}`).toBe(false);
    expect(log).not.toMatch(/@northbridge\.example/);
  });
});
