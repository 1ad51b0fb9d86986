/**
 * Template databases for the suite. Migrating a fresh database and loading the demo council cost
 * each test file several seconds of CPU, most of it the same work every time, so the global setup
 * does it once per kind of contents and each file starts from a copy: PostgreSQL copies a template
 * database (`CREATE DATABASE … TEMPLATE`), PGlite loads a dumped data folder. The copies are
 * exactly what the migrations and demo loaders produce, so tests see what they would have built.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import pg from 'pg';
import type { PGlite } from '@electric-sql/pglite';
import { openDatabase, type Database } from '../../src/platform/db/client.ts';
import { loadDemo } from '../../src/demo/index.ts';
import { loadDemoCouncil, type DemoCouncil } from '../../src/demo/northbridge.ts';

/** What a test database holds when it is handed over. */
export type Contents = 'migrated' | 'council' | 'full';
export const CONTENTS: readonly Contents[] = ['migrated', 'council', 'full'];

export interface Templates {
  engine: 'pglite' | 'postgres';
  /** PGlite: the dumped data folder of each kind. PostgreSQL: the template database's name. */
  sources: Record<Contents, string>;
  /** The demo council's ids in the `council` and `full` templates. */
  councils: Partial<Record<Contents, DemoCouncil>>;
}

declare module 'vitest' {
  export interface ProvidedContext {
    databaseTemplates: Templates;
  }
}

async function fill(database: Database, contents: Contents, password: string): Promise<DemoCouncil | undefined> {
  await database.migrate();
  if (contents === 'council') return loadDemoCouncil(database.db, password);
  if (contents === 'full') return loadDemo(database.db, password);
  return undefined;
}

export async function adminQuery(serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Builds every kind of template; returns them and a function that removes them. */
export async function buildTemplates(serverUrl: string | undefined, password: string): Promise<{ templates: Templates; remove(): Promise<void> }> {
  const councils: Partial<Record<Contents, DemoCouncil>> = {};
  const sources = {} as Record<Contents, string>;
  if (!serverUrl) {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-templates-'));
    for (const contents of CONTENTS) {
      const database = await openDatabase({});
      try {
        const council = await fill(database, contents, password);
        if (council) councils[contents] = council;
        const client = (database.db as unknown as { $client: PGlite }).$client;
        const dump = await client.dumpDataDir('none');
        sources[contents] = path.join(folder, `${contents}.tar`);
        fs.writeFileSync(sources[contents], Buffer.from(await dump.arrayBuffer()));
      } finally {
        await database.close();
      }
    }
    return { templates: { engine: 'pglite', sources, councils }, remove: async () => fs.rmSync(folder, { recursive: true, force: true }) };
  }
  const tag = `${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
  for (const contents of CONTENTS) {
    const name = `sightline_template_${tag}_${contents}`;
    await adminQuery(serverUrl, `CREATE DATABASE ${name}`);
    sources[contents] = name;
    const database = await openDatabase({ databaseUrl: databaseUrl(serverUrl, name), poolSize: 2 });
    try {
      const council = await fill(database, contents, password);
      if (council) councils[contents] = council;
    } finally {
      // A template must have no open connection while it is copied.
      await database.close();
    }
  }
  return {
    templates: { engine: 'postgres', sources, councils },
    async remove() {
      for (const name of Object.values(sources)) await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
