/**
 * How e-mail leaves Sightline: one small interface, three real implementations chosen by
 * configuration. SMTP (nodemailer) for councils with their own mail relay; GOV.UK Notify (its
 * official client) for councils that use it; a folder of .eml files, the embedded default, so a
 * fresh install never sends mail to the internet.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { NotifyClient } from 'notifications-node-client';

/** One message ready to send. Built only from fixed words, a reference and a link. */
export interface OutgoingEmail {
  /** The outbox id: unique, and safe as a file name (a UUID). */
  id: string;
  to: string;
  subject: string;
  body: string;
  /** Absolute address of the page in Sightline. */
  url: string;
  reference: string;
}

export interface EmailTransport {
  readonly name: 'smtp' | 'notify' | 'file';
  /** Resolves with the provider's id for the message; rejects when it was not accepted. */
  send(message: OutgoingEmail): Promise<{ providerId: string | null }>;
  close(): Promise<void>;
}

export type EmailSettings =
  | { transport: 'file'; dir: string }
  | { transport: 'smtp'; url: string; from: string }
  | { transport: 'notify'; apiKey: string; templateId: string; baseUrl?: string | undefined };

/** The plain-text message every transport sends (Notify puts the parts into its template). */
export function plainText(message: OutgoingEmail): string {
  return `${message.body}\n\nOpen it in Sightline: ${message.url}\nReference: ${message.reference}\n\nThis message was sent by Sightline. Please do not reply to it.\n`;
}

export function createEmailTransport(settings: EmailSettings): EmailTransport {
  switch (settings.transport) {
    case 'file':
      return fileTransport(settings.dir);
    case 'smtp':
      return smtpTransport(settings.url, settings.from);
    case 'notify':
      return notifyTransport(settings.apiKey, settings.templateId, settings.baseUrl);
  }
}

function smtpTransport(url: string, from: string): EmailTransport {
  const transporter = nodemailer.createTransport(url);
  return {
    name: 'smtp',
    async send(message) {
      const info = await transporter.sendMail({ from, to: message.to, subject: message.subject, text: plainText(message), headers: { 'X-Sightline-Reference': message.reference } });
      return { providerId: info.messageId ?? null };
    },
    async close() {
      transporter.close();
    },
  };
}

/**
 * GOV.UK Notify sends from a template the council sets up once, with the placeholders
 * ((subject)), ((body)), ((link)) and ((reference)); see the README.
 */
function notifyTransport(apiKey: string, templateId: string, baseUrl: string | undefined): EmailTransport {
  const client = baseUrl ? new NotifyClient(baseUrl, apiKey) : new NotifyClient(apiKey);
  return {
    name: 'notify',
    async send(message) {
      const response = await client.sendEmail(templateId, message.to, {
        personalisation: { subject: message.subject, body: message.body, link: message.url, reference: message.reference },
        reference: message.id,
      });
      return { providerId: (response.data as { id?: string }).id ?? null };
    },
    async close() {},
  };
}

function fileTransport(dir: string): EmailTransport {
  return {
    name: 'file',
    async send(message) {
      await fs.mkdir(dir, { recursive: true, mode: 0o700 });
      // The name is the outbox's own UUID, never anything a person typed.
      if (!/^[0-9a-f-]{36}$/.test(message.id)) throw new Error('outbox ids are UUIDs');
      const file = path.join(dir, `${message.id}.eml`);
      const text = [`To: ${message.to}`, `Subject: ${message.subject}`, 'Content-Type: text/plain; charset=utf-8', '', plainText(message)].join('\r\n');
      await fs.writeFile(file, text, { mode: 0o600 });
      return { providerId: file };
    },
    async close() {},
  };
}
