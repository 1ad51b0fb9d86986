/**
 * A real SMTP server on the loopback interface for tests: Sightline's SMTP transport holds a
 * genuine SMTP conversation with it (EHLO, MAIL FROM, RCPT TO, DATA), and the test reads what
 * arrived. Nothing leaves the machine.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  /** The whole message as sent: headers, blank line, body. */
  raw: string;
  /** The SMTP commands the client sent, in order (to show a real conversation took place). */
  commands: string[];
}

export interface TestSmtpServer {
  url: string;
  received: ReceivedMail[];
  /** Makes the server refuse every message (451) until called with false. */
  refuse(refusing: boolean): void;
  close(): Promise<void>;
}

export async function startSmtpServer(): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  let refusing = false;
  const commands = new Map<string, string[]>();
  const server = new SMTPServer({
    // Plain SMTP on loopback: no certificate to manage in tests, and no login.
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onConnect(session, callback) {
      commands.set(session.id, ['EHLO']);
      callback();
    },
    onMailFrom(address, session, callback) {
      commands.get(session.id)?.push(`MAIL FROM:<${address.address}>`);
      callback();
    },
    onRcptTo(address, session, callback) {
      commands.get(session.id)?.push(`RCPT TO:<${address.address}>`);
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        commands.get(session.id)?.push('DATA');
        if (refusing) return callback(Object.assign(new Error('Mailbox unavailable, try later'), { responseCode: 451 }));
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          commands: [...(commands.get(session.id) ?? [])],
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    refuse(value) {
      refusing = value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The decoded text body of a received message (nodemailer may use quoted-printable). */
export function bodyOf(mail: ReceivedMail): string {
  const [headers, ...rest] = mail.raw.split(/\r?\n\r?\n/);
  const body = rest.join('\n\n');
  if (/content-transfer-encoding:\s*quoted-printable/i.test(headers ?? '')) {
    const latin1 = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    return Buffer.from(latin1, 'latin1').toString('utf8');
  }
  return body;
}

export function headerOf(mail: ReceivedMail, name: string): string | undefined {
  const [headers] = mail.raw.split(/\r?\n\r?\n/);
  const unfolded = (headers ?? '').replace(/\r?\n[ \t]+/g, ' ');
  return new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(unfolded)?.[1];
}
