import { Writable } from 'node:stream';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { createLogger } from '../http/logger.ts';
import { notifications } from '../notify/schema.ts';
import { runJob, type Job } from './runner.ts';
import { startScheduler } from './scheduler.ts';
import { jobRuns } from './schema.ts';

const NOW = new Date('2026-11-25T10:00:00Z');

describe('background jobs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ demo: 'council', now: () => NOW });
  });
  afterAll(async () => {
    await t.close();
  });

  const db = () => t.database.db;
  const flaky = (name: string, failures: number): Job & { calls: number } => {
    const job = {
      name,
      calls: 0,
      async run() {
        job.calls++;
        if (job.calls <= failures) throw new Error(`mail server unreachable (call ${job.calls})`);
        return { sent: 2 };
      },
    };
    return job;
  };

  it('retries a failing job, waiting longer each time, and records every attempt', async () => {
    const job = flaky('flaky-twice', 2);
    const waits: number[] = [];
    const result = await runJob(job, { db: db(), now: () => NOW, sleep: async (ms) => void waits.push(ms) });
    expect(result).toMatchObject({ status: 'succeeded', attempts: 3, summary: { sent: 2 } });
    expect(waits).toEqual([30_000, 120_000]);
    const attempts = await db().select().from(jobRuns).where(eq(jobRuns.job, 'flaky-twice')).orderBy(jobRuns.attempt);
    expect(attempts.map((a) => [a.attempt, a.status, a.gaveUp])).toEqual([
      [1, 'failed', false],
      [2, 'failed', false],
      [3, 'succeeded', false],
    ]);
    expect(new Set(attempts.map((a) => a.runId)).size).toBe(1);
    expect(attempts[0]!.error).toBe('mail server unreachable (call 1)');
  });

  it('gives a job up after the last attempt, tells the administrators and lists it for them, never silently', async () => {
    const job = flaky('always-failing', 99);
    const result = await runJob(job, { db: db(), now: () => NOW, sleep: async () => {} });
    expect(result).toMatchObject({ status: 'failed', attempts: 3 });
    expect(job.calls).toBe(3);
    const [last] = await db().select().from(jobRuns).where(and(eq(jobRuns.job, 'always-failing'), eq(jobRuns.attempt, 3)));
    expect(last).toMatchObject({ status: 'failed', gaveUp: true });

    const told = await db().select().from(notifications).where(eq(notifications.kind, 'job-failed'));
    expect(told.map((n) => n.userId)).toEqual([t.council.people['admin']]);

    const admin = await t.signInAs('admin');
    const page = await admin.get('/admin/jobs');
    expect(page.status).toBe(200);
    expect(page.text).toContain('always-failing');
    expect(page.text).toContain('mail server unreachable (call 3)');
    expect(page.text).toContain('Failed, given up');
    expect(page.text).toMatch(/Background jobs<span class="sl-count">1/);
    expect((await (await t.signInAs('qa-officer')).get('/admin/jobs')).status).toBe(403);
  });

  it('logs a run the database refuses without the values its queries carried', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const job: Job = { name: 'job-name-sent-as-a-value', run: async () => ({ done: 1 }) };
    const scheduler = startScheduler([job], 3_600_000, { db: db(), now: () => NOW, logger: createLogger('info', sink) });
    await db().execute(sql.raw('alter table job_runs rename to job_runs_moved_away'));
    try {
      await scheduler.tick();
    } finally {
      await db().execute(sql.raw('alter table job_runs_moved_away rename to job_runs'));
      await scheduler.stop();
    }
    const logged = lines.filter((l) => l.includes('background jobs could not run'));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('job_runs');
    expect(logged[0]).not.toContain('job-name-sent-as-a-value');
    expect(logged[0]).not.toMatch(/params:/);
  });

  it('skips a tick that comes while the previous run is still going, rather than piling runs up', async () => {
    let release: () => void = () => {};
    let calls = 0;
    const slow: Job = {
      name: 'slow',
      run: () => {
        calls++;
        return new Promise((resolve) => (release = () => resolve({ done: 1 })));
      },
    };
    const scheduler = startScheduler([slow], 3_600_000, { db: db(), now: () => NOW });
    const first = scheduler.tick();
    const second = scheduler.tick();
    await expect.poll(() => calls).toBe(1);
    release();
    await Promise.all([first, second]);
    expect(calls).toBe(1);
    await scheduler.stop();
  });
});
