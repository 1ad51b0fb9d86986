/** The catalogue shipped in the repository's `standards/` folder, with each file's text. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCatalogue, type Catalogue } from './load.ts';

export const STANDARDS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../standards');

export interface BuiltInCatalogue {
  catalogue: Catalogue;
  /** YAML text by path relative to the folder, as stored with each published version. */
  sources: Map<string, string>;
}

export async function loadBuiltInCatalogue(dir = STANDARDS_DIR): Promise<BuiltInCatalogue> {
  const catalogue = await loadCatalogue(dir);
  const sources = new Map<string, string>();
  for (const entry of catalogue.files) sources.set(entry.path, await readFile(path.join(dir, entry.path), 'utf8'));
  return { catalogue, sources };
}
