/**
 * The key that signs CSRF tokens. Set SESSION_SECRET to choose it; otherwise one is generated
 * once and kept in the database, so it survives restarts and is shared by every server process.
 */
import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { appSecrets } from './schema.ts';

export async function signingSecret(db: Db, configured: string | undefined): Promise<string> {
  if (configured) return configured;
  const generated = crypto.randomBytes(32).toString('base64url');
  await db.insert(appSecrets).values({ name: 'signing', value: generated }).onConflictDoNothing();
  const [row] = await db.select({ value: appSecrets.value }).from(appSecrets).where(eq(appSecrets.name, 'signing'));
  if (!row) throw new Error('Could not read the signing secret');
  return row.value;
}
