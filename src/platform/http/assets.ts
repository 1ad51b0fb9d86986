/**
 * Stylesheet and scripts with content-hashed names, so browsers may cache them for ever.
 * Sass is compiled when the server starts (well under a second) and kept in memory; the result
 * is also cached on disk by input hash so test runs and restarts skip the work.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as sass from 'sass';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SCSS_DIR = path.join(ROOT, 'assets/scss');
const GOVUK_JS = path.join(ROOT, 'node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js');
const CACHE_DIR = path.join(ROOT, 'node_modules/.cache/sightline-assets');

export interface Asset {
  body: Buffer;
  contentType: string;
}

export interface Assets {
  /** URL path by logical name, e.g. `stylesheet` → `/assets/application-1a2b3c4d.css`. */
  urls: { stylesheet: string; govukScript: string; favicon: string; auditsScript: string };
  files: Map<string, Asset>;
}

const sha = (data: string | Buffer) => crypto.createHash('sha256').update(data).digest('hex');

function readTree(dir: string): Array<[string, Buffer]> {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .sort()
    .map((file) => [path.relative(ROOT, file), fs.readFileSync(file)]);
}

function compileStylesheet(): Buffer {
  const govukVersion = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/govuk-frontend/package.json'), 'utf8')).version as string;
  const inputs = readTree(SCSS_DIR);
  const key = sha(JSON.stringify([govukVersion, inputs.map(([f, b]) => [f, sha(b)])]));
  const cached = path.join(CACHE_DIR, `${key}.css`);
  if (fs.existsSync(cached)) return fs.readFileSync(cached);
  const result = sass.compile(path.join(SCSS_DIR, 'application.scss'), {
    loadPaths: [path.join(ROOT, 'node_modules')],
    style: 'compressed',
    quietDeps: true,
  });
  const css = Buffer.from(result.css);
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  fs.writeFileSync(`${cached}.${process.pid}`, css);
  fs.renameSync(`${cached}.${process.pid}`, cached);
  return css;
}

export function buildAssets(): Assets {
  const files = new Map<string, Asset>();
  const add = (name: string, ext: string, body: Buffer, contentType: string) => {
    const url = `/assets/${name}-${sha(body).slice(0, 12)}.${ext}`;
    files.set(url, { body, contentType });
    return url;
  };
  return {
    urls: {
      stylesheet: add('application', 'css', compileStylesheet(), 'text/css; charset=utf-8'),
      govukScript: add('govuk-frontend', 'js', fs.readFileSync(GOVUK_JS), 'text/javascript; charset=utf-8'),
      favicon: add('favicon', 'svg', fs.readFileSync(path.join(ROOT, 'assets/images/favicon.svg')), 'image/svg+xml'),
      // The audit form's autosave and the record's print button (progressive enhancement).
      auditsScript: add('audits', 'js', fs.readFileSync(path.join(ROOT, 'assets/js/audits.js')), 'text/javascript; charset=utf-8'),
    },
    files,
  };
}
