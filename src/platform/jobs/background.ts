/**
 * The background jobs Sightline runs, in order (e-mail last, so what the others write goes out in
 * the same run), and the two ways to run them: on a timer in the server, and once from the
 * command line (`sightline jobs run-once`). The composition root for jobs, as app.ts is for pages.
 */
import type { Logger } from 'pino';
import type { Db } from '../db/client.ts';
import { actionChasingJob } from '../../actions/chasing.ts';
import { complianceRefreshJob } from '../../timeliness/refresh-job.ts';
import { grantExpiryJob } from '../../restrictions/expiry-job.ts';
import { emailDeliveryJob } from '../notify/email/job.ts';
import { createEmailTransport, type EmailSettings } from '../notify/email/transport.ts';
import { runJobsOnce, type Job, type RunResult } from './runner.ts';
import { startScheduler, type Scheduler } from './scheduler.ts';

export interface BackgroundSettings {
  email: EmailSettings;
  publicUrl: string;
  jobsIntervalMinutes: number;
}

export function backgroundJobs(email: ReturnType<typeof createEmailTransport>, publicUrl: string): Job[] {
  return [actionChasingJob, complianceRefreshJob, grantExpiryJob, emailDeliveryJob(email, publicUrl)];
}

/** Starts the timer; stop() waits for a run under way and closes the e-mail transport. */
export function startBackgroundJobs(db: Db, settings: BackgroundSettings, logger: Logger, now: () => Date = () => new Date()): Scheduler {
  const transport = createEmailTransport(settings.email);
  const scheduler = startScheduler(backgroundJobs(transport, settings.publicUrl), settings.jobsIntervalMinutes * 60_000, { db, now, logger });
  return {
    tick: scheduler.tick,
    async stop() {
      await scheduler.stop();
      await transport.close();
    },
  };
}

export async function runBackgroundJobsOnce(db: Db, settings: BackgroundSettings, logger?: Logger): Promise<RunResult[]> {
  const transport = createEmailTransport(settings.email);
  try {
    return await runJobsOnce(backgroundJobs(transport, settings.publicUrl), { db, now: () => new Date(), logger });
  } finally {
    await transport.close();
  }
}
