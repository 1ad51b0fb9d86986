/**
 * The catalogue as each council holds it: the built-in files from `standards/`, and revisions
 * its QA team uploads, reviews against the current version and publishes. Audits pin a
 * version, so publishing never changes an audit already under way.
 */
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { diffLines } from 'diff';
import type { Db } from '../../platform/db/client.ts';
import { NotFoundError, requireCapability, type Actor } from '../../platform/auth/actor.ts';
import { ConflictError } from '../../platform/http/errors.ts';
import { organisations } from '../../org/schema.ts';
import { CatalogueError, parseCatalogueFile, type Catalogue } from '../load.ts';
import type { AuditTool, CatalogueFile } from '../schema.ts';
import { catalogueEntries, catalogueVersions } from './schema.ts';

/** Key order does not matter when deciding whether two versions say the same thing. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export class BuiltInVersionConflict extends Error {}

/**
 * Publishes each built-in file for every organisation that does not yet hold its version.
 * A built-in file whose content changed without a new version number is refused: published
 * versions are immutable, so the change needs a new number.
 */
export async function syncBuiltInCatalogue(db: Db, catalogue: Catalogue, sources: ReadonlyMap<string, string>): Promise<number> {
  const orgs = await db.select({ id: organisations.id }).from(organisations);
  let added = 0;
  for (const { id: organisationId } of orgs) {
    for (const { path, file } of catalogue.files) {
      const [existing] = await db
        .select({ content: catalogueVersions.content, status: catalogueVersions.status })
        .from(catalogueVersions)
        .where(and(eq(catalogueVersions.organisationId, organisationId), eq(catalogueVersions.catalogueId, file.id), eq(catalogueVersions.version, file.version)));
      if (existing) {
        if (existing.status === 'published' && canonicalJson(existing.content) !== canonicalJson(file)) {
          throw new BuiltInVersionConflict(
            `standards/${path}: version ${file.version} of ${file.id} is already published with different content. ` +
              'Published versions never change: give the edited file a new version number.',
          );
        }
        continue;
      }
      await db.transaction(async (tx) => {
        const [entry] = await tx
          .select()
          .from(catalogueEntries)
          .where(and(eq(catalogueEntries.organisationId, organisationId), eq(catalogueEntries.catalogueId, file.id)));
        if (entry && entry.currentVersion !== null && entry.currentVersion > file.version) return; // the council has moved on
        await tx.insert(catalogueVersions).values({
          organisationId,
          catalogueId: file.id,
          version: file.version,
          status: 'published',
          content: file,
          sourceYaml: sources.get(path) ?? '',
          origin: 'built-in',
          publishedAt: new Date(),
        });
        if (entry) {
          await tx
            .update(catalogueEntries)
            .set({ currentVersion: file.version, title: file.title, revision: sql`${catalogueEntries.revision} + 1` })
            .where(and(eq(catalogueEntries.organisationId, organisationId), eq(catalogueEntries.catalogueId, file.id)));
        } else {
          await tx.insert(catalogueEntries).values({ organisationId, catalogueId: file.id, kind: file.kind, title: file.title, currentVersion: file.version });
        }
        added++;
      });
    }
  }
  return added;
}

export interface CatalogueListing {
  catalogueId: string;
  kind: string;
  title: string;
  currentVersion: number | null;
  retired: boolean;
  hasDraft: boolean;
}

export async function listCatalogue(db: Db, actor: Actor): Promise<CatalogueListing[]> {
  const rows = await db
    .select({
      catalogueId: catalogueEntries.catalogueId,
      kind: catalogueEntries.kind,
      title: catalogueEntries.title,
      currentVersion: catalogueEntries.currentVersion,
      retiredAt: catalogueEntries.retiredAt,
      hasDraft: sql<boolean>`exists (select 1 from ${catalogueVersions} v where v.organisation_id = ${catalogueEntries.organisationId} and v.catalogue_id = ${catalogueEntries.catalogueId} and v.status = 'draft')`,
    })
    .from(catalogueEntries)
    .where(eq(catalogueEntries.organisationId, actor.organisationId))
    .orderBy(asc(catalogueEntries.kind), asc(catalogueEntries.title));
  return rows.map(({ retiredAt, ...r }) => ({ ...r, retired: retiredAt !== null }));
}

export async function getEntry(db: Db, actor: Actor, catalogueId: string) {
  const [entry] = await db
    .select()
    .from(catalogueEntries)
    .where(and(eq(catalogueEntries.organisationId, actor.organisationId), eq(catalogueEntries.catalogueId, catalogueId)));
  if (!entry) throw new NotFoundError();
  return entry;
}

export interface StoredVersion {
  catalogueId: string;
  version: number;
  status: 'draft' | 'published';
  origin: 'built-in' | 'upload';
  file: CatalogueFile;
  sourceYaml: string;
  createdAt: Date;
  publishedAt: Date | null;
}

/** A published version (the current one when `version` is omitted). */
export async function getPublishedVersion(db: Db, organisationId: string, catalogueId: string, version?: number): Promise<StoredVersion> {
  const conditions = [eq(catalogueVersions.organisationId, organisationId), eq(catalogueVersions.catalogueId, catalogueId), eq(catalogueVersions.status, 'published')];
  if (version !== undefined) {
    conditions.push(eq(catalogueVersions.version, version));
  } else {
    conditions.push(
      sql`${catalogueVersions.version} = (select current_version from ${catalogueEntries} e where e.organisation_id = ${organisationId} and e.catalogue_id = ${catalogueId})`,
    );
  }
  const [row] = await db.select().from(catalogueVersions).where(and(...conditions));
  if (!row) throw new NotFoundError();
  return toStored(row);
}

/** The audit tool at the version an audit is pinned to. */
export async function getAuditToolVersion(db: Db, organisationId: string, toolId: string, version: number): Promise<AuditTool> {
  const stored = await getPublishedVersion(db, organisationId, toolId, version);
  if (stored.file.kind !== 'audit-tool') throw new NotFoundError(`${toolId} is not an audit tool`);
  return stored.file;
}

export async function listVersions(db: Db, actor: Actor, catalogueId: string) {
  await getEntry(db, actor, catalogueId);
  const rows = await db
    .select()
    .from(catalogueVersions)
    .where(and(eq(catalogueVersions.organisationId, actor.organisationId), eq(catalogueVersions.catalogueId, catalogueId)))
    .orderBy(desc(catalogueVersions.version));
  return rows.map(toStored);
}

function toStored(row: typeof catalogueVersions.$inferSelect): StoredVersion {
  return {
    catalogueId: row.catalogueId,
    version: row.version,
    status: row.status,
    origin: row.origin,
    file: row.content as CatalogueFile,
    sourceYaml: row.sourceYaml,
    createdAt: row.createdAt,
    publishedAt: row.publishedAt,
  };
}

/**
 * Validates an uploaded file and keeps it as the draft of the next version. Its `version`
 * must be exactly one more than the latest version held, so the file and the record agree.
 */
export async function uploadDraft(db: Db, actor: Actor, yamlText: string, fileName: string): Promise<{ catalogueId: string; version: number }> {
  requireCapability(actor, 'standards.manage');
  const file = parseCatalogueFile(yamlText, fileName);
  const [entry] = await db
    .select()
    .from(catalogueEntries)
    .where(and(eq(catalogueEntries.organisationId, actor.organisationId), eq(catalogueEntries.catalogueId, file.id)));
  const [latest] = await db
    .select({ version: sql<number>`max(${catalogueVersions.version})` })
    .from(catalogueVersions)
    .where(and(eq(catalogueVersions.organisationId, actor.organisationId), eq(catalogueVersions.catalogueId, file.id), eq(catalogueVersions.status, 'published')));
  const next = (latest?.version ?? 0) + 1;
  if (entry && entry.kind !== file.kind) {
    throw new CatalogueError([{ file: fileName, path: 'kind', message: `${file.id} is a ${entry.kind} file; an upload cannot change it to ${file.kind}` }]);
  }
  if (file.version !== next) {
    throw new CatalogueError([
      { file: fileName, path: 'version', message: latest?.version ? `must be ${next}: version ${latest.version} of ${file.id} is the latest published` : `must be 1 for a new catalogue file` },
    ]);
  }
  try {
    await db.transaction(async (tx) => {
      await tx
        .delete(catalogueVersions)
        .where(and(eq(catalogueVersions.organisationId, actor.organisationId), eq(catalogueVersions.catalogueId, file.id), eq(catalogueVersions.status, 'draft')));
      await tx.insert(catalogueVersions).values({
        organisationId: actor.organisationId,
        catalogueId: file.id,
        version: next,
        status: 'draft',
        content: file,
        sourceYaml: yamlText,
        origin: 'upload',
        createdBy: actor.userId,
      });
      if (!entry) {
        await tx.insert(catalogueEntries).values({ organisationId: actor.organisationId, catalogueId: file.id, kind: file.kind, title: file.title, currentVersion: null });
      }
    });
  } catch (error) {
    // Two people uploading the same next version at once: one wins, the other is told.
    if (/duplicate key|unique/i.test(`${(error as Error).message} ${((error as Error).cause as Error | undefined)?.message ?? ''}`)) throw new ConflictError('draft');
    throw error;
  }
  return { catalogueId: file.id, version: next };
}

export async function getDraft(db: Db, actor: Actor, catalogueId: string): Promise<StoredVersion> {
  requireCapability(actor, 'standards.manage');
  const [row] = await db
    .select()
    .from(catalogueVersions)
    .where(and(eq(catalogueVersions.organisationId, actor.organisationId), eq(catalogueVersions.catalogueId, catalogueId), eq(catalogueVersions.status, 'draft')));
  if (!row) throw new NotFoundError();
  return toStored(row);
}

export interface DiffLine {
  kind: 'added' | 'removed' | 'same';
  text: string;
}

/** A line-by-line comparison of the draft with the current version, unchanged runs shortened. */
export function diffVersions(before: string, after: string, context = 3): DiffLine[] {
  const lines: DiffLine[] = [];
  for (const part of diffLines(before, after)) {
    const kind = part.added ? 'added' : part.removed ? 'removed' : 'same';
    for (const text of part.value.replace(/\n$/, '').split('\n')) lines.push({ kind, text });
  }
  // Keep `context` unchanged lines around each change; elide the rest.
  const keep = lines.map((l) => l.kind !== 'same');
  const near = lines.map((_, i) => keep.slice(Math.max(0, i - context), i + context + 1).some(Boolean));
  const out: DiffLine[] = [];
  let skipped = 0;
  lines.forEach((line, i) => {
    if (near[i]) {
      if (skipped) out.push({ kind: 'same', text: `… ${skipped} unchanged line${skipped === 1 ? '' : 's'} …` });
      skipped = 0;
      out.push(line);
    } else skipped++;
  });
  if (skipped) out.push({ kind: 'same', text: `… ${skipped} unchanged line${skipped === 1 ? '' : 's'} …` });
  return out;
}

export async function draftDiff(db: Db, actor: Actor, catalogueId: string) {
  const draft = await getDraft(db, actor, catalogueId);
  const entry = await getEntry(db, actor, catalogueId);
  const current = entry.currentVersion === null ? undefined : await getPublishedVersion(db, actor.organisationId, catalogueId, entry.currentVersion);
  return { draft, current, revision: entry.revision, lines: diffVersions(current?.sourceYaml ?? '', draft.sourceYaml) };
}

export async function publishDraft(db: Db, actor: Actor, catalogueId: string, revision: number): Promise<number> {
  requireCapability(actor, 'standards.manage');
  return db.transaction(async (tx) => {
    const draft = await getDraft(tx, actor, catalogueId);
    const moved = await tx
      .update(catalogueEntries)
      .set({ currentVersion: draft.version, title: draft.file.title, revision: sql`${catalogueEntries.revision} + 1` })
      .where(and(eq(catalogueEntries.organisationId, actor.organisationId), eq(catalogueEntries.catalogueId, catalogueId), eq(catalogueEntries.revision, revision)))
      .returning({ id: catalogueEntries.catalogueId });
    if (moved.length === 0) throw new ConflictError('catalogue entry');
    await tx
      .update(catalogueVersions)
      .set({ status: 'published', publishedAt: new Date(), publishedBy: actor.userId })
      .where(and(eq(catalogueVersions.organisationId, actor.organisationId), eq(catalogueVersions.catalogueId, catalogueId), eq(catalogueVersions.version, draft.version)));
    return draft.version;
  });
}

export async function discardDraft(db: Db, actor: Actor, catalogueId: string): Promise<void> {
  requireCapability(actor, 'standards.manage');
  await getDraft(db, actor, catalogueId);
  await db
    .delete(catalogueVersions)
    .where(and(eq(catalogueVersions.organisationId, actor.organisationId), eq(catalogueVersions.catalogueId, catalogueId), eq(catalogueVersions.status, 'draft')));
}

/** A retired tool stays readable (audits pinned to it still render) but starts no new audit. */
export async function setRetired(db: Db, actor: Actor, catalogueId: string, retired: boolean): Promise<void> {
  requireCapability(actor, 'standards.manage');
  await getEntry(db, actor, catalogueId);
  await db
    .update(catalogueEntries)
    .set({ retiredAt: retired ? new Date() : null, revision: sql`${catalogueEntries.revision} + 1` })
    .where(and(eq(catalogueEntries.organisationId, actor.organisationId), eq(catalogueEntries.catalogueId, catalogueId)));
}
