/**
 * TOTP secrets at rest: AES-256-GCM, bound to their user (the user id is the additional
 * authenticated data, so a sealed secret copied to another user's row does not open).
 */
import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { appSecrets } from '../schema.ts';

const FORMAT = 'v1';

export function sealSecret(key: Buffer, userId: string, secret: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(userId));
  const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return [FORMAT, iv, cipher.getAuthTag(), body].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
}

export function openSecret(key: Buffer, userId: string, sealed: string): string {
  const [format, iv, tag, body] = sealed.split('.');
  if (format !== FORMAT || !iv || !tag || !body) throw new Error('Unreadable sealed TOTP secret');
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(userId));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
}

/**
 * TOTP_ENCRYPTION_KEY when set (the key then lives outside the database and its backups);
 * otherwise a key generated once and kept in the database, so every process shares it.
 */
export async function totpKey(db: Db, configured: string | undefined): Promise<Buffer> {
  if (configured) return crypto.createHash('sha256').update(configured).digest();
  await db.insert(appSecrets).values({ name: 'totp-encryption', value: crypto.randomBytes(32).toString('base64url') }).onConflictDoNothing();
  const [row] = await db.select({ value: appSecrets.value }).from(appSecrets).where(eq(appSecrets.name, 'totp-encryption'));
  if (!row) throw new Error('Could not read the TOTP encryption key');
  return Buffer.from(row.value, 'base64url');
}
