/** Browsing the catalogue (everyone signed in), and publishing revisions (standards.manage). */
import type { Request, Response } from 'express';
import { z } from 'zod';
import { actorOf, requireCapability, requireSignIn, type AppModule } from '../platform/http/app.ts';
import { ConflictError, NotFoundError } from '../platform/http/errors.ts';
import { render } from '../platform/http/render.ts';
import { singleError, type FieldErrors } from '../platform/http/forms.ts';
import { CatalogueError, formatProblem } from './load.ts';
import { describeCatalogueFile, KIND_LABELS, mappedTo } from './present.ts';
import * as versions from './versions/service.ts';
import './views.ts';

const CatalogueId = z.string().regex(/^[a-z0-9]+(?:[-.][a-z0-9]+)*$/);
const VersionQuery = z.object({ version: z.coerce.number().int().min(1).optional().catch(undefined) });
const MAX_YAML_BYTES = 2 * 1024 * 1024;

function catalogueIdOf(req: Request): string {
  const parsed = CatalogueId.safeParse(req.params.catalogueId);
  if (!parsed.success) throw new NotFoundError();
  return parsed.data;
}

export const standardsModule: AppModule = {
  navigation: [{ href: '/standards', text: 'Standards' }],
  register(app, { db }) {
    const manage = requireCapability('standards.manage');

    app.get('/standards', requireSignIn, async (_req, res) => {
      const actor = actorOf(res);
      const entries = await versions.listCatalogue(db, actor);
      render(res, 'standards/list', {
        groups: Object.entries(KIND_LABELS)
          .map(([kind, label]) => ({ kind, label, entries: entries.filter((e) => e.kind === kind) }))
          .filter((g) => g.entries.length > 0),
        canManage: actor.roles.includes('admin') || actor.roles.includes('qa-officer'),
      });
    });

    const showVersion = (print: boolean) => async (req: Request, res: Response) => {
      const actor = actorOf(res);
      const id = catalogueIdOf(req);
      const { version } = VersionQuery.parse(req.query);
      const entry = await versions.getEntry(db, actor, id);
      const stored = await versions.getPublishedVersion(db, actor.organisationId, id, version);
      const mappings = stored.file.kind === 'outcome-measures' ? await mappedTo(db, actor.organisationId) : undefined;
      render(res, print ? 'standards/print' : 'standards/file', {
        entry: { ...entry, retired: entry.retiredAt !== null },
        stored,
        view: describeCatalogueFile(stored.file, mappings),
        isCurrent: stored.version === entry.currentVersion,
      });
    };
    app.get('/standards/:catalogueId', requireSignIn, showVersion(false));
    app.get('/standards/:catalogueId/print', requireSignIn, showVersion(true));

    app.get('/standards/:catalogueId/versions', requireSignIn, async (req, res) => {
      const actor = actorOf(res);
      const id = catalogueIdOf(req);
      const entry = await versions.getEntry(db, actor, id);
      const all = await versions.listVersions(db, actor, id);
      render(res, 'standards/versions', { entry, versions: all.filter((v) => v.status === 'published') });
    });

    app.get('/standards/:catalogueId/export', requireSignIn, async (req, res) => {
      const actor = actorOf(res);
      const id = catalogueIdOf(req);
      const { version } = VersionQuery.parse(req.query);
      const stored = await versions.getPublishedVersion(db, actor.organisationId, id, version);
      res.setHeader('Content-Type', 'application/yaml; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="${id}-v${stored.version}.yaml"`);
      res.send(stored.sourceYaml);
    });

    app.get('/admin/standards/upload', manage, (_req, res) => {
      render(res, 'standards/upload', {});
    });

    app.post('/admin/standards/upload', manage, async (req, res) => {
      const actor = actorOf(res);
      const files = (req.files as Express.Multer.File[] | undefined) ?? [];
      const file = files.find((f) => f.fieldname === 'file' && f.size > 0);
      const pasted = typeof req.body?.yaml === 'string' ? req.body.yaml.trim() : '';
      let text: string;
      let fileName: string;
      if (file) {
        if (file.size > MAX_YAML_BYTES) return render(res, 'standards/upload', { errors: singleError('file', 'The file must be smaller than 2 MB') }, 413);
        text = file.buffer.toString('utf8');
        // Shown back to the user only; never used to build a path.
        fileName = file.originalname.replace(/[^\w.-]+/g, '_').slice(0, 100) || 'upload.yaml';
      } else if (pasted) {
        text = pasted;
        fileName = 'pasted text';
      } else {
        return render(res, 'standards/upload', { errors: singleError('file', 'Choose a YAML file, or paste its text') }, 400);
      }
      let draft: { catalogueId: string; version: number };
      try {
        draft = await versions.uploadDraft(db, actor, text, fileName);
      } catch (error) {
        if (error instanceof CatalogueError) {
          const errors: FieldErrors = {
            list: error.problems.map((p) => ({ text: formatProblem(p), href: '#file' })),
            byField: { file: { text: `The file has ${error.problems.length} problem${error.problems.length === 1 ? '' : 's'}: see the list above` } },
          };
          return render(res, 'standards/upload', { errors, yaml: file ? undefined : pasted }, 400);
        }
        if (error instanceof ConflictError) {
          return render(res, 'standards/upload', { errors: singleError('file', 'Someone else uploaded a draft of this file at the same moment. Check the catalogue and try again.'), yaml: file ? undefined : pasted }, 409);
        }
        throw error;
      }
      res.redirect(303, `/admin/standards/${draft.catalogueId}/draft`);
    });

    app.get('/admin/standards/:catalogueId/draft', manage, async (req, res) => {
      const diff = await versions.draftDiff(db, actorOf(res), catalogueIdOf(req));
      render(res, 'standards/draft', { ...diff, view: describeCatalogueFile(diff.draft.file) });
    });

    app.post('/admin/standards/:catalogueId/draft/publish', manage, async (req, res) => {
      const actor = actorOf(res);
      const id = catalogueIdOf(req);
      const revision = z.coerce.number().int().min(1).safeParse(req.body?.revision);
      try {
        if (!revision.success) throw new ConflictError('revision');
        await versions.publishDraft(db, actor, id, revision.data);
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        const diff = await versions.draftDiff(db, actor, id);
        return render(res, 'standards/draft', { ...diff, view: describeCatalogueFile(diff.draft.file), conflict: true }, 409);
      }
      res.redirect(303, `/standards/${id}`);
    });

    app.post('/admin/standards/:catalogueId/draft/discard', manage, async (req, res) => {
      const id = catalogueIdOf(req);
      await versions.discardDraft(db, actorOf(res), id);
      res.redirect(303, '/standards');
    });

    for (const [path, retired] of [
      ['retire', true],
      ['reinstate', false],
    ] as const) {
      app.post(`/admin/standards/:catalogueId/${path}`, manage, async (req, res) => {
        const id = catalogueIdOf(req);
        await versions.setRetired(db, actorOf(res), id, retired);
        res.redirect(303, `/standards/${id}`);
      });
    }
  },
};
