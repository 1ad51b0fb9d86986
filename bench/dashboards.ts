/**
 * The insight dashboards under load, on a council the size of a large English authority.
 *
 * For each engine (PostgreSQL when one is reachable, then the embedded PGlite): a fresh database,
 * migrated, with the demo council's people and teams, and synthetic rows written straight in SQL
 * (seeded, so every run writes the same council): 50,000 children, 1,000,000 case events, about
 * 150,000 stored deadlines, 10,000 audits over two years with about 35 graded items each (and
 * self-assessments and moderations), family feedback, themes, 10,000 actions and disputes.
 * The real server (`sightline serve`) is started on it as a child process; 50 sessions are signed
 * in through the sign-in form; then each dashboard is sent with its default filters (the last
 * twelve months, the whole council) from 50 concurrent connections, each its own signed-in
 * session, for a fixed time, twice: paced (the 50 people each asking for the page every two
 * seconds, their starts spread over the two seconds, 25 requests a second in all: the response
 * time is the render time under that load) and saturated (autocannon: each connection asks again
 * the moment it is answered, so the response time is mostly queueing, and requests per second is
 * the capacity). Every response time is kept, and the 50th, 95th and 99th
 * percentiles reported with the number of requests and any non-200 answers. Before the load, the
 * first request for each page (which counts its figures: nothing is kept yet) is timed alone.
 *
 * Target: under 300 ms at the 95th percentile on PostgreSQL. Figures only: nothing is asserted.
 * Run directly: npx tsx bench/dashboards.ts [--engine postgres|pglite] [--seconds 10]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { openDatabase, queryRows, type Database } from '../src/platform/db/client.ts';
import { loadDemoCouncil, type DemoCouncil } from '../src/demo/northbridge.ts';
import { loadBuiltInCatalogue } from '../src/standards/built-in.ts';
import { syncBuiltInCatalogue } from '../src/standards/versions/service.ts';
import { formAreas } from '../src/audits/tool-form.ts';
import { adminQuery, signInTo } from '../test/support/server.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const PASSWORD = 'benchmark password for the dashboards';
const SESSION_SECRET = crypto.randomBytes(32).toString('hex');
const CONNECTIONS = 50;
export const DASHBOARDS = ['practice-quality', 'timeliness', 'actions', 'voice', 'calibration', 'evidence', 'themes'] as const;

export const SCALE = { children: 50_000, eventsPerChild: 20, deadlinesPerChild: 3, audits: 10_000, months: 24 } as const;

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round(sorted[Math.max(0, index)]! * 10) / 10;
}

/** Writes the synthetic council in a handful of set-based statements, seeded for repeatability. */
export async function generate(database: Database, council: DemoCouncil): Promise<Record<string, number>> {
  const db = database.db;
  const org = council.organisationId;
  const teamKeys = ['fst-north', 'fst-south', 'assessment', 'mash', 'cic', 'leaving-care'];
  const workerKeys = ['practitioner', 'sw-3', 'sw-4', 'sw-6', 'sw-5', 'pa-1'];
  const managerKeys = ['practice-manager', 'pm-south', 'pm-assessment', 'pm-mash', 'pm-cic', 'pm-leaving'];
  const uuids = (ids: string[]) => sql`array[${sql.join(
    ids.map((id) => sql`${id}::uuid`),
    sql`, `,
  )}]`;
  const teams = uuids(teamKeys.map((k) => council.teams[k]!));
  const workers = uuids(workerKeys.map((k) => council.people[k]!));
  const managers = uuids(managerKeys.map((k) => council.people[k]!));
  const moderators = uuids([council.people['moderator']!, council.people['qa-lead']!]);
  const builtIn = await loadBuiltInCatalogue();
  const tool = builtIn.catalogue.byId.get('practice-audit-tool')?.file;
  if (!tool || tool.kind !== 'audit-tool') throw new Error('the practice audit tool is not in the catalogue');
  const items = formAreas(tool, 'cin').flatMap((a) => a.items.map((i) => ({ area: a.id, criterion: i.criterionId })));
  const areaIds = sql`array[${sql.join(
    items.map((i) => sql`${i.area}`),
    sql`, `,
  )}]::text[]`;
  const criterionIds = sql`array[${sql.join(
    items.map((i) => sql`${i.criterion}`),
    sql`, `,
  )}]::text[]`;
  const grades = sql`array['outstanding', 'good', 'requires-improvement', 'inadequate']`;
  const rankOf = (column: string) => `(case ${column} when 'outstanding' then 1 when 'good' then 2 when 'requires-improvement' then 3 else 4 end)`;
  const timings: Record<string, number> = {};
  const step = async (name: string, statement: ReturnType<typeof sql>) => {
    const started = performance.now();
    await db.execute(statement);
    timings[name] = Math.round(performance.now() - started);
  };

  await db.execute(sql`select setseed(0.42)`);
  await step(
    'children',
    sql`insert into children (organisation_id, child_ref, name, date_of_birth, case_type, team_id, worker_id, source)
        select ${org}::uuid, 'BX' || lpad(g::text, 6, '0'), 'Bench child ' || g, date '2008-01-01' + (g % 6000),
          (array['cin', 'cp', 'cla', 'care-leaver', 'early-help'])[1 + g % 5], (${teams})[1 + g % 6], (${workers})[1 + g % 6], 'import'
        from generate_series(1, ${SCALE.children}) g`,
  );
  await step(
    'events',
    sql`insert into case_facts (organisation_id, child_id, kind, fact_key, event_date, fact, source_format, source_file)
        select ${org}::uuid, c.id, (array['contact', 'referral', 'assessment', 'visit', 'review'])[1 + n % 5], 'e' || n,
          date '2021-04-01' + floor(random() * 1800)::int, '{}'::jsonb, 'ssd', 'bench.csv'
        from children c cross join generate_series(1, ${SCALE.eventsPerChild}) n where c.organisation_id = ${org}::uuid`,
  );
  await step(
    'deadlines',
    sql`insert into compliance_items (organisation_id, child_id, measure, status, anchor_date, due_date, actual_date, as_of)
        select ${org}::uuid, id, measure, status, due - 20, due, case when status = 'pending' then null else due - 1 end, current_date
        from (
          select c.id, (array['assessment-45wd', 'icpc-15wd', 'cp-visit-10wd', 'cla-review', 'cla-health-assessment'])[1 + floor(random() * 5)::int] as measure,
            (array['met', 'met', 'met', 'met', 'met', 'met', 'missed', 'pending'])[1 + floor(random() * 8)::int] as status,
            current_date - floor(random() * 730)::int + 30 as due
          from children c cross join generate_series(1, ${SCALE.deadlinesPerChild}) n where c.organisation_id = ${org}::uuid
        ) x`,
  );
  await step(
    'audits',
    sql`insert into audits (organisation_id, child_id, tool_id, tool_version, status, auditor_id, practitioner_id, team_id, due_date, period_start, period_end,
          computed_grade, final_grade, moderated_grade, moderation_selected, submitted_at, closed_at, created_at)
        select ${org}::uuid, x.id, 'practice-audit-tool', 1, 'closed', (${managers})[1 + (x.t + 1 + x.rn % 5) % 6], x.worker_id, x.team_id,
          x.at::date, x.at::date - 182, x.at::date, x.grade, x.grade,
          case when x.m < 0.25 then (${grades})[least(4, x.rank + case when x.m < 0.08 then 1 else 0 end)] end, x.m < 0.25,
          x.at, x.at + interval '10 days', x.at - interval '21 days'
        from (
          select c.id, c.worker_id, c.team_id, array_position(${teams}, c.team_id) - 1 as t, row_number() over (order by c.child_ref) as rn,
            now() - (random() * ${SCALE.months * 30.4}) * interval '1 day' as at, random() as m,
            r.rank, (${grades})[r.rank] as grade
          from children c cross join lateral (select case when random() < 0.08 then 1 when random() < 0.5 then 2 when random() < 0.7 then 3 else 4 end + 0 * length(c.child_ref) as rank) r
          where c.organisation_id = ${org}::uuid
          order by c.child_ref limit ${SCALE.audits}
        ) x`,
  );
  const noisy = (base: string) => sql.raw(`(array['outstanding', 'good', 'requires-improvement', 'inadequate'])[greatest(1, least(4, ${base} + case when random() < 0.15 then 1 when random() < 0.1 then -1 else 0 end))]`);
  await step(
    'graded items',
    sql`insert into audit_responses (audit_id, stage, area_id, criterion_id, grade)
        select a.id, 'audit', i.area, i.criterion, ${noisy(rankOf('a.final_grade'))}
        from audits a cross join unnest(${areaIds}, ${criterionIds}) as i(area, criterion) where a.organisation_id = ${org}::uuid`,
  );
  await step(
    'self-assessments',
    sql`insert into audit_responses (audit_id, stage, area_id, criterion_id, grade)
        select r.audit_id, 'self-assessment', r.area_id, r.criterion_id, ${noisy(`greatest(1, ${rankOf('r.grade')} - 1)`)}
        from audit_responses r where r.stage = 'audit' and r.audit_id in (select id from audits where organisation_id = ${org}::uuid and hashtext(id::text) % 10 < 7)`,
  );
  await step(
    'moderations',
    sql`insert into audit_moderations (audit_id, moderator_id, selected_because, overall_grade, completed_at)
        select a.id, (${moderators})[1 + abs(hashtext(a.id::text)) % 2], 'random', a.moderated_grade, a.submitted_at + interval '8 days'
        from audits a where a.organisation_id = ${org}::uuid and a.moderated_grade is not null`,
  );
  await step(
    'moderated items',
    sql`insert into audit_responses (audit_id, stage, area_id, criterion_id, grade)
        select r.audit_id, 'moderation', r.area_id, r.criterion_id, ${noisy(rankOf('r.grade'))}
        from audit_responses r join audit_moderations mo on mo.audit_id = r.audit_id where r.stage = 'audit'`,
  );
  await step(
    'audit events',
    sql`insert into audit_events (audit_id, at, kind)
        select distinct r.audit_id, now(), 'self-assess' from audit_responses r where r.stage = 'self-assessment'`,
  );
  await step(
    'family feedback',
    sql`insert into audit_family_feedback (audit_id, respondent, method, what_they_said, rating, not_sought_reason, recorded_by)
        select a.id, case when f.r < 0.7 then (array['child', 'parent', 'carer'])[1 + floor(f.r * 4)::int] end, 'phone',
          case when f.r < 0.7 then 'The help has made a difference to us.' end, case when f.r < 0.7 then 1 + floor(f.r * 7)::int end,
          case when f.r >= 0.7 then 'The family declined.' end, a.auditor_id
        from audits a cross join lateral (select random() + 0 * length(a.id::text) as r) f where a.organisation_id = ${org}::uuid`,
  );
  await step(
    'themes',
    sql`with list as (
          insert into audit_themes_list (organisation_id, name)
          select ${org}::uuid, 'Bench theme ' || g from generate_series(1, 10) g returning id
        ), numbered as (select id, row_number() over (order by id) as n from list)
        insert into audit_themes (audit_id, theme_id, kind, note, tagged_by)
        select a.id, t.id, (array['strength', 'barrier', 'recurring-issue'])[1 + abs(hashtext(a.id::text)) % 3], 'A note written across cases.', a.auditor_id
        from audits a join numbered t on t.n = 1 + abs(hashtext(a.id::text || 't')) % 10
        where a.organisation_id = ${org}::uuid and abs(hashtext(a.id::text)) % 10 < 4`,
  );
  await step(
    'actions',
    sql`insert into actions (organisation_id, child_id, audit_id, what, owner_id, due_date, priority, status, tool_id, created_at, done_at, signed_off_at, signed_off_by)
        select ${org}::uuid, a.child_id, a.id, 'Bench action', a.practitioner_id, (a.submitted_at + interval '28 days')::date, 'normal', s.status, 'practice-audit-tool',
          a.submitted_at, case when s.status in ('done', 'signed-off') then a.submitted_at + interval '20 days' end,
          case when s.status = 'signed-off' then a.submitted_at + interval '24 days' end, case when s.status = 'signed-off' then a.auditor_id end
        from audits a cross join generate_series(1, 2) n
        cross join lateral (select (array['open', 'done', 'signed-off', 'signed-off', 'signed-off'])[1 + floor(random() * 5)::int + 0 * n] as status) s
        where a.organisation_id = ${org}::uuid and abs(hashtext(a.id::text)) % 2 = 0`,
  );
  await step(
    'disputes',
    sql`insert into audit_disputes (audit_id, raised_by, raiser_position, status, level, step_due_date, outcome, resolved_grade, resolved_at)
        select a.id, a.auditor_id, 'The grade does not reflect the work done.', 'resolved', 0, current_date,
          case when abs(hashtext(a.id::text)) % 2 = 0 then 'upheld' else 'revised' end, a.moderated_grade, a.submitted_at + interval '20 days'
        from audits a where a.organisation_id = ${org}::uuid and a.moderated_grade is not null and abs(hashtext(a.id::text)) % 25 = 0`,
  );
  await db.execute(sql`analyze`);
  const [row] = await queryRows<Record<string, number>>(
    db,
    sql`select (select count(*) from children)::int as children, (select count(*) from case_facts)::int as events, (select count(*) from compliance_items)::int as deadlines,
          (select count(*) from audits)::int as audits, (select count(*) from audit_responses)::int as responses, (select count(*) from actions)::int as actions`,
  );
  return { ...row, ...Object.fromEntries(Object.entries(timings).map(([k, v]) => [`${k}Ms`, v])) };
}

async function waitHealthy(url: string, child: ChildProcess, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the server did not become healthy');
}

interface Figures {
  requests: number;
  perSecond: number;
  non200: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

/**
 * 50 people each reading a dashboard and asking for it again two seconds later: 25 requests a
 * second across the sessions. Real readers pause far longer; two seconds is the busy case.
 */
const PACED_INTERVAL_MS = 2000;
const PACED_REQUESTS_PER_SECOND = (CONNECTIONS * 1000) / PACED_INTERVAL_MS;

/**
 * The paced load: each of the 50 sessions has its own connection and asks for the page every two
 * seconds, their starts spread evenly over the two seconds as people's are. (autocannon's rate
 * option is not used here: it lowers the connections to the rate and releases every connection's
 * request at the same instant each second, so it measures a queue of 25 simultaneous requests,
 * not 50 people at work.) A response is timed from when the request was due, not when it was
 * sent, so a server that falls behind is charged for the wait (no coordinated omission).
 */
async function paced(base: string, page: string, sessions: readonly string[], seconds: number): Promise<Figures> {
  const times: number[] = [];
  let non200 = 0;
  const agent = new http.Agent({ keepAlive: true, maxSockets: sessions.length });
  const start = performance.now() + 50;
  const end = start + seconds * 1000;
  const get = (cookie: string) =>
    new Promise<number>((resolve, reject) => {
      const request = http.get(`${base}${page}`, { agent, headers: { cookie } }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      });
      request.on('error', reject);
      request.setTimeout(60_000, () => request.destroy(new Error('timed out')));
    });
  await Promise.all(
    sessions.map(async (cookie, i) => {
      for (let due = start + (i * PACED_INTERVAL_MS) / sessions.length; due < end; due += PACED_INTERVAL_MS) {
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const status = await get(cookie).catch(() => 0);
        times.push(performance.now() - due);
        if (status !== 200) non200++;
      }
    }),
  );
  agent.destroy();
  times.sort((a, b) => a - b);
  return {
    requests: times.length,
    perSecond: Math.round((times.length / seconds) * 10) / 10,
    non200,
    p50Ms: percentile(times, 50),
    p95Ms: percentile(times, 95),
    p99Ms: percentile(times, 99),
  };
}

/** Saturation: every connection sends its next request as soon as the last answers. */
async function load(base: string, page: string, sessions: readonly string[], seconds: number): Promise<Figures> {
  const times: number[] = [];
  let non200 = 0;
  let next = 0;
  const instance = autocannon({
    url: `${base}${page}`,
    connections: CONNECTIONS,
    duration: seconds,
    timeout: 60,
    setupClient: (client) => client.setHeaders({ cookie: sessions[next++ % sessions.length]! }),
  });
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    times.push(responseTime);
    if (statusCode !== 200) non200++;
  });
  const result = await instance;
  times.sort((a, b) => a - b);
  return {
    requests: times.length,
    perSecond: Math.round((times.length / result.duration) * 10) / 10,
    non200: non200 + result.errors + result.timeouts,
    p50Ms: percentile(times, 50),
    p95Ms: percentile(times, 95),
    p99Ms: percentile(times, 99),
  };
}

async function run(engine: 'postgres' | 'pglite', seconds: number): Promise<Record<string, unknown>> {
  const serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `sightline_bench_${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-bench-dashboards-'));
  let databaseUrl: string | undefined;
  if (engine === 'postgres') {
    await adminQuery(serverUrl, `CREATE DATABASE ${name}`);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
  }
  let child: ChildProcess | undefined;
  try {
    const database = await openDatabase(engine === 'postgres' ? { databaseUrl, poolSize: 4 } : { dataDir });
    await database.migrate();
    const council = await loadDemoCouncil(database.db, PASSWORD);
    const builtIn = await loadBuiltInCatalogue();
    await syncBuiltInCatalogue(database.db, builtIn.catalogue, builtIn.sources);
    const started = performance.now();
    const data = await generate(database, council);
    const generateMs = Math.round(performance.now() - started);
    await database.close();

    const port = 4100 + Math.floor(Math.random() * 800);
    child = spawn(process.execPath, [path.join(ROOT, 'bin/sightline.js'), 'serve'], {
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: databaseUrl ?? '',
        SIGHTLINE_DATA_DIR: dataDir,
        COOKIE_SECURE: 'false',
        LOG_LEVEL: 'silent',
        JOBS_INTERVAL_MINUTES: '0',
        SESSION_SECRET,
        NODE_ENV: 'production',
      },
      stdio: 'ignore',
    });
    const base = `http://127.0.0.1:${port}`;
    await waitHealthy(`${base}/health`, child, Date.now() + 300_000);
    const sessions: string[] = [];
    for (let i = 0; i < CONNECTIONS; i++) sessions.push((await signInTo(base, i % 2 === 0 ? 'qa-officer@northbridge.example' : 'senior-leader@northbridge.example', PASSWORD)).cookie);
    // The first request for each page counts its figures (nothing is kept yet): timed on its own,
    // one request at a time, as what the first person after a change to the data waits.
    const firstRenderMs: Record<string, number> = {};
    for (const d of DASHBOARDS) {
      const started = performance.now();
      const response = await fetch(`${base}/insights/${d}`, { headers: { cookie: sessions[0]! } });
      await response.text();
      if (response.status !== 200) throw new Error(`${d} answered ${response.status}`);
      firstRenderMs[d] = Math.round(performance.now() - started);
    }
    const dashboards: Record<string, { firstRenderMs: number; paced: Figures; saturated: Figures }> = {};
    for (const d of DASHBOARDS) {
      dashboards[d] = { firstRenderMs: firstRenderMs[d]!, paced: await paced(base, `/insights/${d}`, sessions, seconds), saturated: await load(base, `/insights/${d}`, sessions, seconds) };
    }
    // The same loads on a small page that is not an insight (the council's teams): what signing in,
    // the navigation's counts and the layout cost every page, for comparison.
    const baseline = {
      page: '/teams',
      paced: await paced(base, '/teams', sessions, seconds),
      saturated: await load(base, '/teams', sessions, seconds),
    };
    return {
      engine,
      data: { ...data, generateMs },
      secondsPerLoad: seconds,
      sessions: CONNECTIONS,
      pacedRequestsPerSecond: PACED_REQUESTS_PER_SECOND,
      dashboards,
      baseline,
    };
  } finally {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child!.once('exit', r));
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (engine === 'postgres') await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

async function postgresReachable(): Promise<boolean> {
  const url = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function benchDashboards(options: { engines?: Array<'postgres' | 'pglite'>; seconds?: number } = {}): Promise<Record<string, unknown>> {
  const seconds = options.seconds ?? 10;
  const engines = options.engines ?? ['postgres', 'pglite'];
  const results: Record<string, unknown> = {
    benchmark: `the insight dashboards, ${CONNECTIONS} concurrent signed-in sessions each, default filters (twelve months, whole council)`,
    target: 'p95 under 300 ms on PostgreSQL',
    scale: SCALE,
    cpus: os.cpus().length,
  };
  for (const engine of engines) {
    if (engine === 'postgres' && !(await postgresReachable())) {
      results.postgres = 'skipped: no PostgreSQL reachable (set BENCH_DATABASE_URL or DATABASE_URL)';
      continue;
    }
    results[engine] = await run(engine, seconds);
  }
  return results;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const engine = arg('engine') as 'postgres' | 'pglite' | undefined;
  const seconds = arg('seconds');
  console.log(JSON.stringify(await benchDashboards({ ...(engine ? { engines: [engine] } : {}), ...(seconds ? { seconds: Number(seconds) } : {}) }), null, 2));
}
