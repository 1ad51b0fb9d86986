/** Stage 3 pages: the theme list, tagging an audit, and the cases chosen for senior leaders. */
import type { Response } from 'express';
import { z } from 'zod';
import { actorOf, requireCapability, type AppModule } from '../../platform/http/app.ts';
import { ConflictError } from '../../platform/http/errors.ts';
import { parseForm, singleError, type FieldErrors } from '../../platform/http/forms.ts';
import { render } from '../../platform/http/render.ts';
import { recordAccess } from '../../platform/access-log/record.ts';
import { can } from '../../platform/auth/actor.ts';
import { STATUS_LABELS } from '../lifecycle.ts';
import { idParam, VersionField } from '../programme/http.ts';
import { logViews } from '../moderation/routes.ts';
import * as stage3 from './service.ts';
import './views.ts';

const kinds = stage3.THEME_KINDS.map((value) => ({ value, text: stage3.THEME_KIND_LABELS[value] }));

const SltInput = z.object({
  marked: z.enum(['yes', 'no']),
  reason: z
    .string()
    .trim()
    .max(2000, 'The reason must be 2,000 characters or fewer')
    .optional()
    .transform((v) => v || null),
});

export const themesModule: AppModule = {
  navigation: [
    { href: '/themes', text: 'Themes', capability: 'themes.manage' },
    { href: '/slt', text: 'SLT cases', capability: 'slt.view' },
  ],
  register(app, { db }) {
    const manage = requireCapability('themes.manage');

    const listPage = async (res: Response, values: Record<string, unknown> = {}, errors?: FieldErrors, status = 200) => {
      const actor = actorOf(res);
      const [list, awaiting] = await Promise.all([stage3.listThemes(db, actor), stage3.auditsAwaitingThemes(db, actor)]);
      await logViews(db, res, awaiting.map((a) => a.auditId));
      render(
        res,
        'audits/themes/list',
        { themes: list, awaiting: awaiting.map((a) => ({ ...a, status: STATUS_LABELS[a.status] })), values, ...(errors ? { errors } : {}) },
        status,
      );
    };

    app.get('/themes', manage, async (_req, res) => listPage(res));

    app.post('/themes', manage, async (req, res) => {
      const form = parseForm(stage3.ThemeInput, req.body);
      if (!form.ok) return listPage(res, form.values, form.errors, 400);
      try {
        await stage3.addTheme(db, actorOf(res), form.value);
      } catch (error) {
        if (!(error instanceof stage3.ThemeProblem)) throw error;
        return listPage(res, form.values, singleError(error.field, error.message), 400);
      }
      res.redirect(303, '/themes');
    });

    for (const [path, active] of [
      ['retire', false],
      ['reinstate', true],
    ] as const) {
      app.post(`/themes/:themeId/${path}`, manage, async (req, res) => {
        await stage3.setThemeActive(db, actorOf(res), idParam(req, 'themeId'), active);
        res.redirect(303, '/themes');
      });
    }

    app.get('/themes/:themeId', manage, async (req, res) => {
      const { theme, tagged } = await stage3.getTheme(db, actorOf(res), idParam(req, 'themeId'));
      await logViews(db, res, tagged.map((t) => t.auditId));
      render(res, 'audits/themes/show', {
        theme,
        tagged: tagged.map((t) => ({
          ...t,
          kindLabel: stage3.THEME_KIND_LABELS[t.kind as stage3.ThemeKind] ?? t.kind,
          statusLabel: STATUS_LABELS[t.status as keyof typeof STATUS_LABELS] ?? t.status,
        })),
      });
    });

    const evaluation = async (res: Response, auditId: string, values: Record<string, unknown> = {}, errors?: FieldErrors, status = 200) => {
      const actor = actorOf(res);
      const e = await stage3.getEvaluation(db, actor, auditId);
      await recordAccess(db, actor, { recordType: 'audit', recordId: auditId, action: 'view' }, res.locals.requestId);
      render(
        res,
        'audits/themes/evaluation',
        {
          audit: {
            id: e.audit.id,
            childRef: e.childRef,
            teamName: e.teamName,
            auditorName: e.auditorName,
            status: STATUS_LABELS[e.audit.status],
            finalGrade: e.finalGrade,
            moderatedGrade: e.moderatedGrade,
            markedForSlt: e.audit.markedForSlt,
            version: e.audit.version,
          },
          moderated: e.moderated,
          tags: e.tags.map((t) => ({ ...t, kind: stage3.THEME_KIND_LABELS[t.kind as stage3.ThemeKind] ?? t.kind })),
          choices: e.choices.map((c) => ({ value: c.id, text: c.name })),
          kinds,
          canTag: e.canTag,
          canMarkForSlt: e.canMarkForSlt,
          canClose: e.canClose,
          values,
          ...(errors ? { errors } : {}),
        },
        status,
      );
    };

    app.get('/audits/:auditId/evaluation', manage, async (req, res) => evaluation(res, idParam(req, 'auditId')));

    app.post('/audits/:auditId/evaluation/themes', manage, async (req, res) => {
      const id = idParam(req, 'auditId');
      const form = parseForm(stage3.TagInput, req.body);
      if (!form.ok) return evaluation(res, id, form.values, form.errors, 400);
      try {
        await stage3.tagAudit(db, actorOf(res), id, form.value);
      } catch (error) {
        if (!(error instanceof stage3.ThemeProblem)) throw error;
        return evaluation(res, id, form.values, singleError(error.field, error.message), 400);
      }
      await recordAccess(db, actorOf(res), { recordType: 'audit', recordId: id, action: 'update' }, res.locals.requestId);
      res.redirect(303, `/audits/${id}/evaluation`);
    });

    app.post('/audits/:auditId/evaluation/themes/:themeId/remove', manage, async (req, res) => {
      const id = idParam(req, 'auditId');
      await stage3.untagAudit(db, actorOf(res), id, idParam(req, 'themeId'));
      await recordAccess(db, actorOf(res), { recordType: 'audit', recordId: id, action: 'update' }, res.locals.requestId);
      res.redirect(303, `/audits/${id}/evaluation`);
    });

    const stale = (res: Response, id: string) =>
      render(res, 'platform/error', { title: 'The audit changed while you were looking at it', message: `Someone saved the audit a moment ago. Go back to /audits/${id}/evaluation, check it, and try again.` }, 409);

    app.post('/audits/:auditId/evaluation/slt', manage, async (req, res) => {
      const id = idParam(req, 'auditId');
      const form = parseForm(SltInput.and(VersionField), req.body);
      if (!form.ok) return evaluation(res, id, form.values, form.errors, 400);
      try {
        await stage3.markForSlt(db, actorOf(res), id, form.value.version, form.value.marked === 'yes', form.value.reason);
      } catch (error) {
        if (error instanceof ConflictError) return stale(res, id);
        throw error;
      }
      await recordAccess(db, actorOf(res), { recordType: 'audit', recordId: id, action: 'update' }, res.locals.requestId);
      res.redirect(303, `/audits/${id}/evaluation`);
    });

    app.post('/audits/:auditId/evaluation/close', manage, async (req, res) => {
      const id = idParam(req, 'auditId');
      const form = parseForm(VersionField, req.body);
      if (!form.ok) return evaluation(res, id, form.values, form.errors, 400);
      try {
        await stage3.closeAudit(db, actorOf(res), id, form.value.version);
      } catch (error) {
        if (error instanceof ConflictError) return stale(res, id);
        throw error;
      }
      await recordAccess(db, actorOf(res), { recordType: 'audit', recordId: id, action: 'update' }, res.locals.requestId);
      res.redirect(303, `/audits/${id}/evaluation`);
    });

    app.get('/slt', requireCapability('slt.view'), async (_req, res) => {
      const actor = actorOf(res);
      const cases = await stage3.listSltCases(db, actor);
      await logViews(db, res, cases.map((c) => c.auditId));
      render(res, 'audits/themes/slt', { cases: cases.map((c) => ({ ...c, status: STATUS_LABELS[c.status as keyof typeof STATUS_LABELS] ?? c.status })), canManage: can(actor, 'themes.manage') });
    });
  },
};
