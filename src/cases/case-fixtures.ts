/**
 * For tests: children and facts put straight into the database (as an import would leave them),
 * and extract files uploaded through the browser's form, waiting for the import to finish.
 */
import type { Express } from 'express';
import request from 'supertest';
import type { Db } from '../platform/db/client.ts';
import { cookieNames } from '../platform/http/session.ts';
import { recomputeNow } from '../timeliness/store.ts';
import { csrfFrom, type TestClient } from '../../test/support/app.ts';
import type { CaseFact } from './facts.ts';
import { upsertChildren, upsertFacts } from './fact-store.ts';
import { toStoredFact } from './stored-facts.ts';

/** A fact as a test writes it: no child id (the child says) and a made-up source. */
export type FactInput = CaseFact extends infer F ? (F extends CaseFact ? Omit<F, 'childId' | 'source'> : never) : never;

export interface SeedChild {
  childRef: string;
  dateOfBirth?: string;
  teamId?: string | null;
  workerId?: string | null;
  facts: FactInput[];
}

/** Stores the children and facts, computes the deadlines as of `asOf`, and returns each child's id by reference. */
export async function seedCases(db: Db, organisationId: string, children: readonly SeedChild[], asOf: string): Promise<Record<string, string>> {
  const ids = await upsertChildren(
    db,
    organisationId,
    children.map((c) => ({
      childRef: c.childRef,
      dateOfBirth: c.dateOfBirth ?? null,
      gender: null,
      extractTeam: null,
      extractWorker: null,
      link: { teamId: c.teamId ?? null, workerId: c.workerId ?? null },
    })),
  );
  const writes = children.flatMap((c, i) =>
    c.facts.map((fact, row) => ({
      childId: ids.get(c.childRef.toLowerCase())!,
      stored: toStoredFact({ ...fact, childId: c.childRef, source: { format: 'ssd', file: 'fixture.csv', row: i * 100 + row + 2 } } as CaseFact),
    })),
  );
  await upsertFacts(db, organisationId, null, writes);
  await recomputeNow(db, organisationId, asOf, 'on demand');
  return Object.fromEntries(children.map((c) => [c.childRef, ids.get(c.childRef.toLowerCase())!]));
}

/** Posts files as the import form does (multipart, with the form's CSRF token and the client's cookies). */
export async function uploadFiles(app: Express, client: TestClient, files: readonly { name: string; content: string | Uint8Array }[]): Promise<request.Response> {
  const form = await client.get('/case-data/imports/new');
  const token = csrfFrom(form.text);
  const names = cookieNames(false);
  const cookies = [names.session, names.pre].flatMap((name) => {
    const value = client.cookie(name);
    return value === undefined ? [] : [`${name}=${value}`];
  });
  let post = request(app).post('/case-data/imports').set('Cookie', cookies.join('; ')).field('_csrf', token ?? '');
  for (const file of files) post = post.attach('files', Buffer.from(file.content), file.name);
  return post.redirects(0);
}

/** Follows an import's page until it stops running; returns the final page. */
export async function waitForImport(client: TestClient, path: string): Promise<request.Response> {
  for (let attempt = 0; attempt < 600; attempt++) {
    const page = await client.get(path);
    if (page.headers.refresh === undefined) return page;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the import at ${path} did not finish`);
}
