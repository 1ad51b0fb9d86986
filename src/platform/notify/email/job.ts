/** The background job that sends the e-mail waiting in the outbox. */
import type { Job } from '../../jobs/runner.ts';
import { deliverPendingEmails } from './outbox.ts';
import type { EmailTransport } from './transport.ts';

export function emailDeliveryJob(transport: EmailTransport, publicUrl: string): Job {
  return {
    name: 'email-delivery',
    async run({ db, now }) {
      const report = await deliverPendingEmails(db, transport, { now, publicUrl });
      // Every message failing means the transport itself is down: report the run as failed so
      // administrators see it, not only the messages waiting to be retried.
      if (report.sent === 0 && report.retrying + report.failed > 0) {
        throw new Error(`No e-mail could be sent through ${transport.name}: ${report.retrying} will be retried, ${report.failed} given up`);
      }
      return { ...report };
    },
  };
}
