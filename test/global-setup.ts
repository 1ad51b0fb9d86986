/**
 * Runs once before the suite. Under CI the browser and (when DATABASE_URL is set) the database
 * must be present: a missing one fails the run rather than skipping tests silently. Then it builds
 * the template databases every test file copies (see support/templates.ts).
 */
import type { TestProject } from 'vitest/node';
import { buildTemplates } from './support/templates.ts';
import { TEST_PASSWORD } from './support/password.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('select 1');
    } catch (error) {
      throw new Error(`DATABASE_URL is set but PostgreSQL cannot be reached: ${(error as Error).message}`);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  const { templates, remove } = await buildTemplates(url, TEST_PASSWORD);
  project.provide('databaseTemplates', templates);
  return remove;
}
