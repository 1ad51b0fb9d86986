/** Writing to the append-only access log: every view of, or change to, a sensitive record. */
import type { Db } from '../db/client.ts';
import type { Actor } from '../auth/actor.ts';
import { accessLog } from './schema.ts';

export type AccessAction = 'view' | 'create' | 'update' | 'disable' | 'enable' | 'export' | 'sign-in' | 'sign-out' | 'break-glass';

export interface AccessEvent {
  recordType: string;
  recordId: string;
  action: AccessAction;
}

export async function recordAccess(db: Db, actor: Actor | undefined, event: AccessEvent, requestId?: string): Promise<void> {
  await db.insert(accessLog).values({
    organisationId: actor?.organisationId,
    userId: actor?.userId,
    role: actor ? actor.roles.join(',') : null,
    recordType: event.recordType,
    recordId: event.recordId,
    action: event.action,
    requestId,
  });
}
