import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/support/app.ts';
import { bodyOf, headerOf, startSmtpServer, type TestSmtpServer } from '../../../../test/support/smtp.ts';
import { loadConfig } from '../../../config.ts';
import { runJob } from '../../jobs/runner.ts';
import { jobRuns } from '../../jobs/schema.ts';
import { emailDeliveryJob } from './job.ts';
import { deliverPendingEmails, listFailedEmails, MAX_EMAIL_ATTEMPTS, notifyAndEmail } from './outbox.ts';
import { emailMessages } from './schema.ts';
import { createEmailTransport, type EmailTransport } from './transport.ts';

const NOW = new Date('2026-11-25T10:00:00Z');
const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);

describe('e-mail', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let transport: EmailTransport;
  let n = 0;

  beforeAll(async () => {
    t = await createTestApp({ demo: 'council' });
    smtp = await startSmtpServer();
    transport = createEmailTransport({ transport: 'smtp', url: smtp.url, from: 'Sightline <sightline@northbridge.example>' });
  });
  afterAll(async () => {
    await transport?.close();
    await smtp?.close();
    await t?.close();
  });

  const db = () => t.database.db;
  const tell = (key: string) =>
    notifyAndEmail(db(), {
      organisationId: t.council.organisationId,
      userIds: [t.council.people[key]!],
      kind: 'test',
      title: `Action A-${++n} has been given to you`,
      emailBody: 'You have a new action.',
      link: `/actions/00000000-0000-4000-8000-00000000000${n}`,
      reference: `A-${n}`,
      dedupeKey: `test:${n}`,
    });

  it('is sent through a real SMTP conversation with the link made absolute', async () => {
    await tell('practitioner');
    const report = await deliverPendingEmails(db(), transport, { now: NOW, publicUrl: 'https://sightline.example/' });
    expect(report).toEqual({ sent: 1, retrying: 0, failed: 0 });
    const mail = smtp.received.at(-1)!;
    expect(mail.commands).toEqual(['EHLO', 'MAIL FROM:<sightline@northbridge.example>', 'RCPT TO:<practitioner@northbridge.example>', 'DATA']);
    expect(headerOf(mail, 'Subject')).toBe(`Action A-${n} has been given to you`);
    expect(headerOf(mail, 'To')).toBe('practitioner@northbridge.example');
    expect(bodyOf(mail)).toContain(`Open it in Sightline: https://sightline.example/actions/00000000-0000-4000-8000-00000000000${n}`);
    expect(bodyOf(mail)).toContain(`Reference: A-${n}`);
    // Delivered once: a second delivery finds nothing waiting.
    expect(await deliverPendingEmails(db(), transport, { now: NOW, publicUrl: 'https://sightline.example' })).toEqual({ sent: 0, retrying: 0, failed: 0 });
  });

  it('is written once per person and event, however often the event is told', async () => {
    const notice = { organisationId: t.council.organisationId, userIds: [t.council.people['sw-2']!, t.council.people['sw-2']!], kind: 'test', title: 'Once', emailBody: 'Once.', link: '/actions', reference: 'A-0', dedupeKey: 'test:once' };
    await notifyAndEmail(db(), notice);
    await notifyAndEmail(db(), notice);
    expect(await db().select().from(emailMessages).where(eq(emailMessages.dedupeKey, 'test:once'))).toHaveLength(1);
  });

  it('is tried again later when the mail server refuses it, backing off, and given up and reported after the last attempt', async () => {
    await deliverPendingEmails(db(), transport, { now: NOW, publicUrl: 'https://sightline.example' });
    await tell('moderator');
    const dedupeKey = `test:${n}`;
    smtp.refuse(true);
    const received = smtp.received.length;
    expect(await deliverPendingEmails(db(), transport, { now: NOW, publicUrl: 'https://sightline.example' })).toEqual({ sent: 0, retrying: 1, failed: 0 });
    const [waiting] = await db().select().from(emailMessages).where(eq(emailMessages.dedupeKey, dedupeKey));
    expect(waiting).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: minutes(1) });
    expect(waiting!.lastError).toMatch(/451/);
    // Not before its time.
    expect(await deliverPendingEmails(db(), transport, { now: minutes(0.5), publicUrl: 'https://sightline.example' })).toEqual({ sent: 0, retrying: 0, failed: 0 });
    // Attempts 2 to 5, each after its wait (1, 5, 30, 120 minutes).
    let when = 0;
    for (const wait of [1, 5, 30]) {
      when += wait;
      expect(await deliverPendingEmails(db(), transport, { now: minutes(when), publicUrl: 'https://sightline.example' })).toEqual({ sent: 0, retrying: 1, failed: 0 });
    }
    when += 120;
    expect(await deliverPendingEmails(db(), transport, { now: minutes(when), publicUrl: 'https://sightline.example' })).toEqual({ sent: 0, retrying: 0, failed: 1 });
    const [given] = await db().select().from(emailMessages).where(eq(emailMessages.dedupeKey, dedupeKey));
    expect(given).toMatchObject({ status: 'failed', attempts: MAX_EMAIL_ATTEMPTS });
    expect((await listFailedEmails(db())).map((e) => e.reference)).toContain(`A-${n}`);
    expect(smtp.received.length).toBe(received);

    // The page administrators read lists it.
    const admin = await t.signInAs('admin');
    const page = await admin.get('/admin/jobs');
    expect(page.text).toContain(`A-${n} (test)`);
    expect(page.text).toContain('Given up');
    smtp.refuse(false);
  });

  it('records the delivery job as failed when nothing can be sent, so a mail server outage is seen', async () => {
    await tell('iro');
    const down = createEmailTransport({ transport: 'smtp', url: 'smtp://127.0.0.1:1', from: 'sightline@northbridge.example' });
    const waits: number[] = [];
    const result = await runJob(emailDeliveryJob(down, 'https://sightline.example'), { db: db(), now: () => NOW, sleep: async (ms) => void waits.push(ms) });
    await down.close();
    // The retry finds the message waiting for its own later attempt, so the run ends; the failed
    // attempt stays on record for administrators.
    expect(result.attempts).toBe(2);
    expect(waits).toEqual([30_000]);
    const [failed] = await db().select().from(jobRuns).where(eq(jobRuns.runId, result.runId)).orderBy(jobRuns.attempt);
    expect(failed).toMatchObject({ status: 'failed', attempt: 1 });
    expect(failed!.error).toMatch(/^No e-mail could be sent through smtp: 1 will be retried/);
    // The message itself is still waiting, and goes out once the server is back.
    const report = await deliverPendingEmails(db(), transport, { now: minutes(60), publicUrl: 'https://sightline.example' });
    expect(report.sent).toBe(1);
  });

  it('goes through GOV.UK Notify’s API with the official client, template and personalisation', async () => {
    const requests: Array<{ path: string; authorization: string; body: Record<string, unknown> }> = [];
    const fakeNotify = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        requests.push({ path: req.url ?? '', authorization: req.headers.authorization ?? '', body: JSON.parse(body) as Record<string, unknown> });
        res.writeHead(201, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ id: 'notify-message-1', reference: null, content: {}, template: {} }));
      });
    });
    await new Promise<void>((resolve) => fakeNotify.listen(0, '127.0.0.1', resolve));
    const baseUrl = `http://127.0.0.1:${(fakeNotify.address() as AddressInfo).port}`;
    const serviceId = '26785a09-ab16-4eb0-8407-a37497a57506';
    const apiKey = `sightline_test-${serviceId}-3d844edf-8d35-48ac-975b-e847b4f122b0`;
    const notify = createEmailTransport({ transport: 'notify', apiKey, templateId: 'f33517ff-2a88-4f6e-b855-c550268ce08a', baseUrl });
    try {
      const sent = await notify.send({ id: '9d1f1a7e-2b4f-4b1a-9a39-2f4c1a0e6b11', to: 'practitioner@northbridge.example', subject: 'Action A-7 is overdue', body: 'Action A-7 was due 1 December 2026.', url: 'https://sightline.example/actions/x', reference: 'A-7' });
      expect(sent.providerId).toBe('notify-message-1');
    } finally {
      await new Promise((resolve) => fakeNotify.close(resolve));
    }
    expect(requests).toHaveLength(1);
    expect(requests[0]!.path).toBe('/v2/notifications/email');
    // A JSON Web Token signed with the key, as Notify's API requires.
    const [, payload] = requests[0]!.authorization.replace(/^Bearer /, '').split('.');
    expect(JSON.parse(Buffer.from(payload!, 'base64url').toString())).toMatchObject({ iss: serviceId });
    expect(requests[0]!.body).toEqual({
      template_id: 'f33517ff-2a88-4f6e-b855-c550268ce08a',
      email_address: 'practitioner@northbridge.example',
      personalisation: { subject: 'Action A-7 is overdue', body: 'Action A-7 was due 1 December 2026.', link: 'https://sightline.example/actions/x', reference: 'A-7' },
      reference: '9d1f1a7e-2b4f-4b1a-9a39-2f4c1a0e6b11',
    });
  });

  it('is written to a folder by default, never sent anywhere', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sightline-outbox-'));
    const config = loadConfig({ SIGHTLINE_DATA_DIR: dir });
    expect(config.email).toEqual({ transport: 'file', dir: path.join(dir, 'outbox') });
    const file = createEmailTransport(config.email);
    const id = '0b6f1f9e-6a52-4b8e-9f0e-5d5c3c2b1a00';
    await file.send({ id, to: 'practitioner@northbridge.example', subject: 'Reminder: action A-3 is due', body: 'Action A-3 is due.', url: 'http://localhost:3000/actions/y', reference: 'A-3' });
    const text = await fs.readFile(path.join(dir, 'outbox', `${id}.eml`), 'utf8');
    expect(text).toContain('Subject: Reminder: action A-3 is due');
    expect(text).toContain('Open it in Sightline: http://localhost:3000/actions/y');
    await fs.rm(dir, { recursive: true });
  });

  it('is configured by environment variables, each transport asking for what it needs', () => {
    expect(loadConfig({ EMAIL_TRANSPORT: 'smtp', SMTP_URL: 'smtp://mail.council.example:25', EMAIL_FROM: 'Sightline <sightline@council.example>' }).email).toEqual({
      transport: 'smtp',
      url: 'smtp://mail.council.example:25',
      from: 'Sightline <sightline@council.example>',
    });
    expect(() => loadConfig({ EMAIL_TRANSPORT: 'smtp' })).toThrow(/SMTP_URL is required/);
    expect(() => loadConfig({ EMAIL_TRANSPORT: 'notify', NOTIFY_API_KEY: 'short' })).toThrow(/NOTIFY_API_KEY[\s\S]*NOTIFY_TEMPLATE_ID is required/);
    expect(loadConfig({ PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
  });
});
