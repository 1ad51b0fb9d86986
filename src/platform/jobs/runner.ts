/**
 * Running a background job so that nothing is lost: every attempt is recorded in `job_runs`; a
 * failed attempt is tried again (a bounded number of times, waiting longer each time); a run whose
 * last attempt fails too is marked given up and every administrator is told in-app. Jobs
 * themselves are idempotent (their effects carry unique keys), so a retry, or the same job run
 * again on the next tick or on another server, sends nothing twice.
 */
import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db } from '../db/client.ts';
import { rolesGranting } from '../auth/roles.ts';
import { userRoles, users } from '../../org/schema.ts';
import { notify } from '../notify/in-app.ts';
import { jobRuns } from './schema.ts';
import { loggableError } from '../http/errors.ts';

export interface JobContext {
  db: Db;
  /** The injected clock's time when the attempt started: jobs use this, never `new Date()`. */
  now: Date;
}

/** What a job did, as counts for the administrators' page (never names). */
export type JobSummary = Record<string, number>;

export interface Job {
  name: string;
  run(context: JobContext): Promise<JobSummary>;
}

export interface RunOptions {
  db: Db;
  now: () => Date;
  /** Waiting between attempts; tests pass one that records the waits instead of sleeping. */
  sleep?: (ms: number) => Promise<void>;
  maxAttempts?: number;
  /** Wait before attempt n + 1 after attempt n failed. */
  backoffMs?: (attempt: number) => number;
  logger?: Logger | undefined;
}

export interface RunResult {
  job: string;
  runId: string;
  status: 'succeeded' | 'failed';
  attempts: number;
  summary: JobSummary | null;
}

export const DEFAULT_MAX_ATTEMPTS = 3;

/** 30 seconds, then 2 minutes, then 8: long enough for a mail server or database to come back. */
export function defaultBackoffMs(attempt: number): number {
  return 30_000 * 4 ** (attempt - 1);
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

export async function runJob(job: Job, options: RunOptions): Promise<RunResult> {
  const { db } = options;
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const sleep = options.sleep ?? realSleep;
  const backoff = options.backoffMs ?? defaultBackoffMs;
  const runId = crypto.randomUUID();

  for (let attempt = 1; ; attempt++) {
    const startedAt = options.now();
    const [row] = await db.insert(jobRuns).values({ job: job.name, runId, attempt, status: 'running', startedAt }).returning({ id: jobRuns.id });
    try {
      const summary = await job.run({ db, now: startedAt });
      await db.update(jobRuns).set({ status: 'succeeded', finishedAt: options.now(), summary }).where(eq(jobRuns.id, row!.id));
      options.logger?.info({ job: job.name, runId, attempt, summary }, 'job succeeded');
      return { job: job.name, runId, status: 'succeeded', attempts: attempt, summary };
    } catch (error) {
      // The job's record and the log get the error without a failed query's values, which can be personal data.
      const logged = loggableError(error);
      const message = String(logged.message ?? 'unknown error').slice(0, 1000);
      const gaveUp = attempt >= maxAttempts;
      await db.update(jobRuns).set({ status: 'failed', finishedAt: options.now(), error: message, gaveUp }).where(eq(jobRuns.id, row!.id));
      options.logger?.error({ job: job.name, runId, attempt, gaveUp, err: logged }, 'job failed');
      if (gaveUp) {
        await tellAdministrators(db, job.name, runId);
        return { job: job.name, runId, status: 'failed', attempts: attempt, summary: null };
      }
      await sleep(backoff(attempt));
    }
  }
}

/** Every administrator, in every council on this installation, once per given-up run. */
async function tellAdministrators(db: Db, jobName: string, runId: string): Promise<void> {
  const admins = await db
    .selectDistinct({ id: users.id, organisationId: users.organisationId })
    .from(users)
    .innerJoin(userRoles, and(eq(userRoles.userId, users.id), eq(userRoles.active, true)))
    .where(and(inArray(userRoles.role, [...rolesGranting('jobs.view')]), isNull(users.disabledAt)));
  const byOrganisation = new Map<string, string[]>();
  for (const a of admins) byOrganisation.set(a.organisationId, [...(byOrganisation.get(a.organisationId) ?? []), a.id]);
  for (const [organisationId, userIds] of byOrganisation) {
    await notify(db, {
      organisationId,
      userIds,
      kind: 'job-failed',
      title: `The background job “${jobName}” failed and was given up`,
      body: 'It will run again at its next scheduled time. The job runs page shows the error.',
      link: '/admin/jobs',
      dedupeKey: `job:${runId}:gave-up`,
    });
  }
}

/** Each job once, one after the other (what `sightline jobs run-once` and the tests use). */
export async function runJobsOnce(jobs: readonly Job[], options: RunOptions): Promise<RunResult[]> {
  const results: RunResult[] = [];
  for (const job of jobs) results.push(await runJob(job, options));
  return results;
}
