/**
 * Runs the background jobs on a timer inside the server process (every 15 minutes by default).
 * A tick that comes while the previous one is still running is skipped, not queued, so a slow
 * mail server cannot pile up runs. The timer is the scheduler's own state, not global.
 */
import { loggableError } from '../http/errors.ts';
import { runJobsOnce, type Job, type RunOptions } from './runner.ts';

export interface Scheduler {
  /** Runs every job now (unless a run is under way), and resolves when done. */
  tick(): Promise<void>;
  /** Stops the timer and waits for a run under way to finish. */
  stop(): Promise<void>;
}

export function startScheduler(jobs: readonly Job[], intervalMs: number, options: RunOptions): Scheduler {
  let running: Promise<void> | undefined;
  const tick = async () => {
    if (running) return running;
    running = runJobsOnce(jobs, options)
      .then(() => undefined)
      .catch((error: unknown) => {
        // runJob records job failures itself; this is the database itself being unreachable. A
        // failed query's message repeats its values, so only what loggableError keeps is logged.
        options.logger?.error({ err: loggableError(error) }, 'background jobs could not run');
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = setInterval(() => void tick(), intervalMs);
  // The first run soon after start-up, so a restart does not delay reminders by a whole interval.
  const first = setTimeout(() => void tick(), Math.min(intervalMs, 10_000));
  return {
    tick,
    async stop() {
      clearInterval(timer);
      clearTimeout(first);
      await running;
    },
  };
}
