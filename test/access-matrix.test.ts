/**
 * Every route × every role (and signed out) → the status it must answer. A route added to the
 * application without a row here fails this suite, so nobody can add a page without deciding
 * who may use it.
 */
import type { Express } from 'express';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { like } from 'drizzle-orm';
import { actions } from '../src/actions/schema.ts';
import { ROLES, type Role } from '../src/platform/auth/roles.ts';
import { queryRows } from '../src/platform/db/client.ts';
import { createTestApp, type TestApp, type TestClient } from './support/app.ts';

type Who = Role | 'anonymous';
const WHO: Who[] = ['anonymous', ...ROLES];

/** Expected status by who; `other` covers everyone not named. */
type Expectation = Partial<Record<Who | 'other', number>>;

const STAFF_OK: Expectation = { anonymous: 303, partner: 403, other: 200 };
const ADMIN_ONLY_PAGE: Expectation = { anonymous: 303, admin: 200, other: 403 };
/** An empty form to an admin-only action: the administrator gets the form back with errors. */
const ADMIN_ONLY_FORM: Expectation = { anonymous: 303, admin: 400, other: 403 };

/** The stage 1 fixture audit: everyone who may see it reads it; the rest get 404. */
const AUDIT_VIEW: Expectation = { anonymous: 303, practitioner: 200, 'practice-manager': 200, 'group-manager': 200, 'qa-officer': 200, 'senior-leader': 200, other: 404 };
/** Only its auditor (who holds no role account) may do this: those who see the audit get 403. */
const AUDIT_AUDITOR_ONLY: Expectation = { ...AUDIT_VIEW, practitioner: 403, 'practice-manager': 403, 'group-manager': 403, 'qa-officer': 403, 'senior-leader': 403 };
/** A practitioner's form, sent empty: the practitioner gets it back with errors. */
const AUDIT_PRACTITIONER_FORM: Expectation = { ...AUDIT_AUDITOR_ONLY, practitioner: 400 };

const QA_ONLY_PAGE: Expectation = { anonymous: 303, 'qa-officer': 200, other: 403 };
/** An empty form to a QA officer's action: the QA officer gets the form back with errors. */
const QA_ONLY_FORM: Expectation = { anonymous: 303, 'qa-officer': 400, other: 403 };

/** Challenging a grade of NB-P101: nobody here audited it or holds the case, so those who see it get 403, the rest 404. */
const DISPUTE_RAISE: Expectation = { anonymous: 303, partner: 403, 'group-manager': 403, moderator: 403, 'qa-officer': 403, 'senior-leader': 403, other: 404 };

const INSIGHTS_ANY: Expectation = { anonymous: 303, 'practice-manager': 200, 'group-manager': 200, moderator: 200, 'qa-officer': 200, 'senior-leader': 200, other: 403 };
const INSIGHTS_VIEW: Expectation = { anonymous: 303, 'practice-manager': 200, 'group-manager': 200, 'qa-officer': 200, 'senior-leader': 200, other: 403 };
const INSIGHTS_CALIBRATION: Expectation = { anonymous: 303, moderator: 200, 'qa-officer': 200, 'senior-leader': 200, other: 403 };
const INSIGHTS_EVIDENCE: Expectation = { anonymous: 303, 'group-manager': 200, 'qa-officer': 200, 'senior-leader': 200, other: 403 };
const INSIGHTS_REPORT: Expectation = { anonymous: 303, 'qa-officer': 200, 'senior-leader': 200, other: 403 };
/** The same people, another status. */
function allowed(expectation: Expectation, status: number): Expectation {
  return Object.fromEntries(Object.entries(expectation).flatMap(([who, code]) => (code === 200 ? [[who, status]] : [])));
}

const ACTION_SETTERS_PAGE: Expectation = { anonymous: 303, 'practice-manager': 200, 'group-manager': 200, moderator: 200, 'qa-officer': 200, other: 403 };
/** Who can see the fixture action: its owner, their manager, the service lead and council-wide roles. */
const ACTION_SEERS = ['practitioner', 'practice-manager', 'group-manager', 'qa-officer', 'senior-leader', 'admin'] as const;
const actionSeers = (status: number): Expectation => Object.fromEntries(ACTION_SEERS.map((who) => [who, status]));
const ACTION_VIEWERS: Expectation = { anonymous: 303, partner: 403, other: 404, ...actionSeers(200) };

const MATRIX: Record<string, Expectation> = {
  'GET /assets/{*file}': { other: 200 },
  'GET /health': { other: 200 },
  'GET /sign-in': { anonymous: 200, other: 303 },
  'POST /sign-in': { other: 400 },
  'POST /sign-out': { other: 303 },
  // The code step after a password: without a live challenge (or when signed in) it sends people on.
  'GET /sign-in/two-factor': { other: 303 },
  'POST /sign-in/two-factor': { other: 303 },
  // Single sign-on is not configured in this test; src/platform/auth/oidc/oidc.test.ts covers it configured.
  'GET /sign-in/sso': { other: 404 },
  'GET /sign-in/sso/callback': { other: 404 },
  'GET /': { anonymous: 303, other: 200 },
  'GET /teams': STAFF_OK,
  // Family support team north: its members, its manager, the lead of its service, and the
  // council-wide roles; not other teams' staff.
  'GET /teams/:teamId': {
    anonymous: 303,
    practitioner: 200,
    'practice-manager': 200,
    'group-manager': 200,
    'qa-officer': 200,
    'senior-leader': 200,
    admin: 200,
    moderator: 403,
    iro: 403,
    partner: 403,
  },
  'GET /admin': ADMIN_ONLY_PAGE,
  'GET /admin/services': ADMIN_ONLY_PAGE,
  'GET /admin/services/new': ADMIN_ONLY_PAGE,
  'POST /admin/services/new': ADMIN_ONLY_FORM,
  'GET /admin/services/:serviceId/edit': ADMIN_ONLY_PAGE,
  'POST /admin/services/:serviceId/edit': ADMIN_ONLY_FORM,
  'GET /admin/teams': ADMIN_ONLY_PAGE,
  'GET /admin/teams/new': ADMIN_ONLY_PAGE,
  'POST /admin/teams/new': ADMIN_ONLY_FORM,
  'GET /admin/teams/:teamId/edit': ADMIN_ONLY_PAGE,
  'POST /admin/teams/:teamId/edit': ADMIN_ONLY_FORM,
  'GET /admin/users': ADMIN_ONLY_PAGE,
  'GET /admin/users/new': ADMIN_ONLY_PAGE,
  'POST /admin/users/new': ADMIN_ONLY_FORM,
  'GET /admin/users/:userId': ADMIN_ONLY_PAGE,
  'GET /admin/users/:userId/edit': ADMIN_ONLY_PAGE,
  'POST /admin/users/:userId/edit': ADMIN_ONLY_FORM,
  'POST /admin/users/:userId/disable': { anonymous: 303, admin: 303, other: 403 },
  'POST /admin/users/:userId/enable': { anonymous: 303, admin: 303, other: 403 },
  'GET /admin/users/:userId/two-factor': ADMIN_ONLY_PAGE,
  'POST /admin/users/:userId/two-factor/reset': { anonymous: 303, admin: 303, other: 403 },
  'GET /admin/users/:userId/password-reset': ADMIN_ONLY_PAGE,
  // The answer to a reset is the page showing the temporary password once: no redirect to reload.
  'POST /admin/users/:userId/password-reset': { anonymous: 303, admin: 200, other: 403 },
  // Everyone signed in has their own account pages. Setting up an app asks for the password
  // first (sent empty: the form back with errors), so no set-up is then waiting: its page and the
  // code step send the person back.
  'GET /account': { anonymous: 303, other: 200 },
  'GET /account/password': { anonymous: 303, other: 200 },
  'POST /account/password': { anonymous: 303, other: 400 },
  'GET /account/sessions': { anonymous: 303, other: 200 },
  // Without a session named (or sent empty), back to the list.
  'GET /account/sessions/sign-out': { anonymous: 303, other: 303 },
  'POST /account/sessions/sign-out': { anonymous: 303, other: 303 },
  'GET /account/two-factor': { anonymous: 303, other: 200 },
  'POST /account/two-factor/setup': { anonymous: 303, other: 400 },
  'GET /account/two-factor/setup': { anonymous: 303, other: 303 },
  'POST /account/two-factor/setup/confirm': { anonymous: 303, other: 303 },
  'POST /account/two-factor/recovery-codes': { anonymous: 303, other: 400 },
  'GET /notifications': { anonymous: 303, other: 200 },
  // Someone else's (or no) notification is not found, whoever asks.
  'POST /notifications/:notificationId/read': { anonymous: 303, other: 404 },
  'POST /notifications/read-all': { anonymous: 303, other: 303 },
  // The catalogue is for everyone signed in; revising it is for administrators and QA officers.
  'GET /standards': { anonymous: 303, other: 200 },
  'GET /standards/:catalogueId': { anonymous: 303, other: 200 },
  'GET /standards/:catalogueId/print': { anonymous: 303, other: 200 },
  'GET /standards/:catalogueId/versions': { anonymous: 303, other: 200 },
  'GET /standards/:catalogueId/export': { anonymous: 303, other: 200 },
  'GET /admin/standards/upload': { anonymous: 303, admin: 200, 'qa-officer': 200, other: 403 },
  'POST /admin/standards/upload': { anonymous: 303, admin: 400, 'qa-officer': 400, other: 403 },
  // No draft exists for the tool in this test, so those allowed in are told there is none.
  'GET /admin/standards/:catalogueId/draft': { anonymous: 303, admin: 404, 'qa-officer': 404, other: 403 },
  'POST /admin/standards/:catalogueId/draft/publish': { anonymous: 303, admin: 404, 'qa-officer': 404, other: 403 },
  'POST /admin/standards/:catalogueId/draft/discard': { anonymous: 303, admin: 404, 'qa-officer': 404, other: 403 },
  'POST /admin/standards/:catalogueId/retire': { anonymous: 303, admin: 303, 'qa-officer': 303, other: 403 },
  'POST /admin/standards/:catalogueId/reinstate': { anonymous: 303, admin: 303, 'qa-officer': 303, other: 403 },
  // Case data. The child is an imported demo child of Family support team north: its team, its
  // manager, the lead of its service and the council-wide roles see it; nobody else.
  'GET /cases': STAFF_OK,
  'GET /cases/:caseId': { anonymous: 303, practitioner: 200, 'practice-manager': 200, 'group-manager': 200, 'qa-officer': 200, 'senior-leader': 200, admin: 200, moderator: 403, iro: 403, partner: 403 },
  // Restricted records. The fixture child is not restricted: those who manage restrictions see the
  // form to restrict it (an empty one comes back with errors) and there is no restriction to change;
  // break glass is only for a restricted record, so those who may use it are told there is none.
  'GET /cases/:caseId/restriction': { anonymous: 303, 'qa-officer': 200, admin: 200, other: 403 },
  'POST /cases/:caseId/restriction': { anonymous: 303, 'qa-officer': 400, admin: 400, other: 403 },
  'POST /cases/:caseId/restriction/grants': { anonymous: 303, 'qa-officer': 404, admin: 404, other: 403 },
  'POST /cases/:caseId/restriction/grants/:grantId/remove': { anonymous: 303, 'qa-officer': 404, admin: 404, other: 403 },
  'POST /cases/:caseId/restriction/lift': { anonymous: 303, 'qa-officer': 404, admin: 404, other: 403 },
  'GET /cases/:caseId/break-glass': { anonymous: 303, 'qa-officer': 404, 'senior-leader': 404, 'group-manager': 404, other: 403 },
  'POST /cases/:caseId/break-glass': { anonymous: 303, 'qa-officer': 404, 'senior-leader': 404, 'group-manager': 404, other: 403 },
  'GET /restrictions/break-glass': { anonymous: 303, 'qa-officer': 200, admin: 200, other: 403 },
  'GET /case-data/imports': { anonymous: 303, 'qa-officer': 200, admin: 200, other: 403 },
  'GET /case-data/imports/new': { anonymous: 303, 'qa-officer': 200, admin: 200, other: 403 },
  // No file chosen: the form comes back with an error.
  'POST /case-data/imports': { anonymous: 303, 'qa-officer': 400, admin: 400, other: 403 },
  'GET /case-data/imports/:importId': { anonymous: 303, 'qa-officer': 200, admin: 200, other: 403 },
  'GET /case-data/imports/:importId/problems.csv': { anonymous: 303, 'qa-officer': 200, admin: 200, other: 403 },
  'GET /timeliness/drift': STAFF_OK,
  'GET /timeliness/dip-sample': STAFF_OK,
  'GET /timeliness/indicators': STAFF_OK,
  'POST /timeliness/recompute': { anonymous: 303, 'qa-officer': 303, admin: 303, other: 403 },
  // Actions: lists and exports for all staff (each sees their own scope).
  'GET /actions': STAFF_OK,
  'GET /actions/export.csv': STAFF_OK,
  'GET /actions/export.xlsx': STAFF_OK,
  'GET /actions/new': ACTION_SETTERS_PAGE,
  'POST /actions/new': { ...ACTION_SETTERS_PAGE, 'practice-manager': 400, 'group-manager': 400, moderator: 400, 'qa-officer': 400 },
  // The fixture is an open demo action owned by the practitioner and set by their line manager
  // (the practice manager): people outside its teams and management chain are told it does not exist.
  'GET /actions/:actionId': ACTION_VIEWERS,
  // An empty form: the evidence, reason or version is missing, so nothing changes.
  'POST /actions/:actionId/done': { ...ACTION_VIEWERS, ...actionSeers(400) },
  'POST /actions/:actionId/sign-off': { ...ACTION_VIEWERS, ...actionSeers(409) },
  'POST /actions/:actionId/reopen': { ...ACTION_VIEWERS, ...actionSeers(400) },
  'POST /actions/:actionId/cancel': { ...ACTION_VIEWERS, ...actionSeers(400) },
  // Changed only by the owner's line manager, the person who set it, or the QA team; never by its owner.
  'GET /actions/:actionId/edit': { ...ACTION_VIEWERS, ...actionSeers(403), 'practice-manager': 200, 'qa-officer': 200 },
  'POST /actions/:actionId/edit': { ...ACTION_VIEWERS, ...actionSeers(403), 'practice-manager': 400, 'qa-officer': 400 },
  'GET /actions/settings': { anonymous: 303, 'qa-officer': 200, admin: 200, other: 403 },
  'POST /actions/settings/chasing': { anonymous: 303, 'qa-officer': 400, admin: 400, other: 403 },
  'GET /actions/settings/tools/:toolId': { anonymous: 303, 'qa-officer': 200, admin: 200, other: 403 },
  'POST /actions/settings/tools/:toolId': { anonymous: 303, 'qa-officer': 400, admin: 400, other: 403 },
  'POST /actions/settings/tools/:toolId/reset': { anonymous: 303, 'qa-officer': 303, admin: 303, other: 403 },
  'GET /admin/calendar': ADMIN_ONLY_PAGE,
  'POST /admin/calendar/closures': ADMIN_ONLY_FORM,
  // No closure on that day: nothing to remove.
  'POST /admin/calendar/closures/:closureDate/remove': { anonymous: 303, admin: 404, other: 403 },
  'GET /admin/jobs': ADMIN_ONLY_PAGE,
  // Audits, stage 1. The fixture is NB-A006: Amara Okafor's child (Family support team north),
  // in progress, audited by Lucy Brennan (no role account), with a safeguarding concern sent to
  // Tom Hadley (practice manager) and Priya Raman (group manager). Who sees it: the practitioner,
  // the team's managers, QA officers and senior leaders; the others are told it does not exist.
  'GET /audits': { anonymous: 303, other: 200 },
  'GET /audits/:auditId': AUDIT_VIEW,
  'GET /audits/:auditId/self-assessment': { ...AUDIT_VIEW, 'practice-manager': 403, 'group-manager': 403, 'qa-officer': 403, 'senior-leader': 403 },
  // An empty form from the practitioner is refused as out of date before the closed stage is reached.
  'POST /audits/:auditId/self-assessment': AUDIT_PRACTITIONER_FORM,
  'GET /audits/:auditId/self-assessment/:areaNumber': { ...AUDIT_VIEW, 'practice-manager': 403, 'group-manager': 403, 'qa-officer': 403, 'senior-leader': 403 },
  'POST /audits/:auditId/self-assessment/:areaNumber': AUDIT_PRACTITIONER_FORM,
  'GET /audits/:auditId/areas/:areaNumber': AUDIT_VIEW,
  'POST /audits/:auditId/areas/:areaNumber': AUDIT_AUDITOR_ONLY,
  'GET /audits/:auditId/start': AUDIT_AUDITOR_ONLY,
  'POST /audits/:auditId/start': AUDIT_AUDITOR_ONLY,
  'GET /audits/:auditId/judgement': AUDIT_VIEW,
  'POST /audits/:auditId/judgement': AUDIT_AUDITOR_ONLY,
  'GET /audits/:auditId/safeguarding': AUDIT_VIEW,
  'POST /audits/:auditId/safeguarding': AUDIT_AUDITOR_ONLY,
  'GET /audits/:auditId/actions': AUDIT_VIEW,
  'POST /audits/:auditId/actions': AUDIT_AUDITOR_ONLY,
  'GET /audits/:auditId/family-feedback': AUDIT_VIEW,
  'POST /audits/:auditId/family-feedback': AUDIT_PRACTITIONER_FORM,
  'GET /audits/:auditId/learning': AUDIT_VIEW,
  // Participants record learning: the practitioner and the team's managers (an empty form: 400).
  'POST /audits/:auditId/learning': { ...AUDIT_AUDITOR_ONLY, practitioner: 400, 'practice-manager': 400, 'group-manager': 400 },
  'GET /audits/:auditId/submit': AUDIT_AUDITOR_ONLY,
  'POST /audits/:auditId/submit': AUDIT_AUDITOR_ONLY,
  'GET /audits/:auditId/record': AUDIT_VIEW,
  'GET /audits/:auditId/timeline': AUDIT_VIEW,
  // Multi-agency partners: the people who run the audit (its auditor, who holds no role account, and
  // the QA team). The demo partner is not invited to this audit, so their invitation is not found.
  'GET /audits/:auditId/partners': { ...AUDIT_AUDITOR_ONLY, 'qa-officer': 200 },
  'POST /audits/:auditId/partners': { ...AUDIT_AUDITOR_ONLY, 'qa-officer': 400 },
  'GET /audits/:auditId/partners/:partnerId': { ...AUDIT_AUDITOR_ONLY, 'qa-officer': 404 },
  'POST /audits/:auditId/partners/:partnerId': { ...AUDIT_AUDITOR_ONLY, 'qa-officer': 404 },
  'POST /audits/:auditId/partners/:partnerId/withdraw': { ...AUDIT_AUDITOR_ONLY, 'qa-officer': 404 },
  // The concern on NB-A006: its two recipients and those who see the audit.
  'GET /safeguarding-alerts/:alertId': AUDIT_VIEW,
  'POST /safeguarding-alerts/:alertId/acknowledge': { ...AUDIT_AUDITOR_ONLY, 'practice-manager': 400, 'group-manager': 400 },
  'POST /safeguarding-alerts/:alertId/notes': { ...AUDIT_VIEW, practitioner: 400, 'practice-manager': 400, 'group-manager': 400, 'qa-officer': 400, 'senior-leader': 400 },
  // The audit programme: QA officers only. The fixture round is the demo's allocated round.
  'GET /programmes': QA_ONLY_PAGE,
  'GET /programmes/new': QA_ONLY_PAGE,
  'POST /programmes/new': QA_ONLY_FORM,
  'GET /programmes/:programmeId': QA_ONLY_PAGE,
  'GET /programmes/:programmeId/edit': QA_ONLY_PAGE,
  'POST /programmes/:programmeId/edit': QA_ONLY_FORM,
  'GET /programmes/:programmeId/rounds/new': QA_ONLY_PAGE,
  'POST /programmes/:programmeId/rounds/new': QA_ONLY_FORM,
  'GET /rounds/:auditRoundId': QA_ONLY_PAGE,
  'POST /rounds/:auditRoundId/allocate': { anonymous: 303, 'qa-officer': 409, other: 403 },
  // Adding a case by hand: cases.manage (QA officers and administrators).
  'GET /cases/new': { anonymous: 303, 'qa-officer': 200, admin: 200, other: 403 },
  'POST /cases/new': { anonymous: 303, 'qa-officer': 400, admin: 400, other: 403 },
  'GET /cases/added/:childId': { anonymous: 303, 'qa-officer': 200, admin: 200, other: 403 },
  // Moderation. The fixture is NB-P101, waiting in the pool: Chloe Ferris's child (Family support
  // team south), audited by Kieran Doyle; neither has a role account.
  'GET /moderation': { anonymous: 303, moderator: 200, 'qa-officer': 200, other: 403 },
  'GET /moderation/settings': QA_ONLY_PAGE,
  'POST /moderation/settings': QA_ONLY_FORM,
  // A post without the button's field is refused before anything is selected.
  'POST /moderation/process-submitted': QA_ONLY_FORM,
  'GET /moderation/:moderationId': { anonymous: 303, moderator: 200, 'qa-officer': 200, other: 403 },
  'POST /moderation/:moderationId/claim': { anonymous: 303, moderator: 303, other: 403 },
  'POST /moderation/:moderationId': { anonymous: 303, moderator: 400, other: 403 },
  'POST /moderation/:moderationId/complete': { anonymous: 303, moderator: 400, other: 403 },
  // Only the auditor or the practitioner challenges a grade: those who see NB-P101 get 403, the rest 404.
  'GET /moderation/:moderationId/dispute': DISPUTE_RAISE,
  'POST /moderation/:moderationId/dispute': DISPUTE_RAISE,
  // Disputes. The fixture is NB-P103's open dispute: Amara Okafor's child (Family support team
  // north), raised by her, at the meeting of the moderator (Gareth Lloyd) and the auditor.
  'GET /disputes': STAFF_OK,
  'GET /disputes/chain': QA_ONLY_PAGE,
  'POST /disputes/chain': QA_ONLY_FORM,
  'GET /disputes/:disputeId': { anonymous: 303, partner: 403, iro: 404, admin: 404, other: 200 },
  // An empty form from anyone who sees the dispute comes back with errors.
  'POST /disputes/:disputeId/position': { anonymous: 303, partner: 403, iro: 404, admin: 404, other: 400 },
  'POST /disputes/:disputeId/outcome': { anonymous: 303, partner: 403, iro: 404, admin: 404, other: 400 },
  // Stage 3: the QA team; the cases chosen for senior leaders are theirs to see too.
  'GET /themes': QA_ONLY_PAGE,
  'POST /themes': QA_ONLY_FORM,
  'GET /themes/:themeId': QA_ONLY_PAGE,
  'POST /themes/:themeId/retire': { anonymous: 303, 'qa-officer': 303, other: 403 },
  'POST /themes/:themeId/reinstate': { anonymous: 303, 'qa-officer': 303, other: 403 },
  'GET /audits/:auditId/evaluation': QA_ONLY_PAGE,
  'POST /audits/:auditId/evaluation/themes': QA_ONLY_FORM,
  // NB-A006 carries no theme: nothing to remove.
  'POST /audits/:auditId/evaluation/themes/:themeId/remove': { anonymous: 303, 'qa-officer': 404, other: 403 },
  'POST /audits/:auditId/evaluation/slt': QA_ONLY_FORM,
  'POST /audits/:auditId/evaluation/close': QA_ONLY_FORM,
  'GET /slt': { anonymous: 303, 'qa-officer': 200, 'senior-leader': 200, other: 403 },
  // Insights (issue 7). Managers see the dashboards over their own teams or services, QA officers
  // and senior leaders over the council; calibration is also the moderators'; the Ofsted evidence
  // and themes also group managers'; the quarterly report QA officers' and senior leaders'.
  // Practitioners, IROs, partners and administrators see none. A download without a table named
  // is a page that does not exist (404) for those allowed in.
  'GET /insights': INSIGHTS_ANY,
  'GET /insights/audits': INSIGHTS_ANY,
  'GET /insights/practice-quality': INSIGHTS_VIEW,
  'GET /insights/practice-quality/export': { ...INSIGHTS_VIEW, ...allowed(INSIGHTS_VIEW, 404) },
  'GET /insights/timeliness': INSIGHTS_VIEW,
  'GET /insights/timeliness/export': { ...INSIGHTS_VIEW, ...allowed(INSIGHTS_VIEW, 404) },
  'GET /insights/actions': INSIGHTS_VIEW,
  'GET /insights/actions/export': { ...INSIGHTS_VIEW, ...allowed(INSIGHTS_VIEW, 404) },
  'GET /insights/voice': INSIGHTS_VIEW,
  'GET /insights/voice/export': { ...INSIGHTS_VIEW, ...allowed(INSIGHTS_VIEW, 404) },
  'GET /insights/calibration': INSIGHTS_CALIBRATION,
  'GET /insights/calibration/export': { ...INSIGHTS_CALIBRATION, ...allowed(INSIGHTS_CALIBRATION, 404) },
  'GET /insights/rehearsal': INSIGHTS_CALIBRATION,
  'POST /insights/rehearsal': QA_ONLY_FORM,
  'GET /insights/rehearsal/:rehearsalRoundId': INSIGHTS_CALIBRATION,
  'GET /insights/rehearsal/:rehearsalRoundId/export': { ...INSIGHTS_CALIBRATION, ...allowed(INSIGHTS_CALIBRATION, 404) },
  'GET /insights/evidence': INSIGHTS_EVIDENCE,
  'GET /insights/evidence/export': { ...INSIGHTS_EVIDENCE, ...allowed(INSIGHTS_EVIDENCE, 404) },
  'GET /insights/themes': INSIGHTS_EVIDENCE,
  'GET /insights/themes/export': { ...INSIGHTS_EVIDENCE, ...allowed(INSIGHTS_EVIDENCE, 404) },
  'GET /insights/report': INSIGHTS_REPORT,
  'GET /insights/report/export': { ...INSIGHTS_REPORT, ...allowed(INSIGHTS_REPORT, 404) },
  'GET /insights/report/xlsx': INSIGHTS_REPORT,
  'GET /insights/report/pdf': INSIGHTS_REPORT,
  // Information governance: the administrator acts as the council's data protection officer.
  // Requests, runs and holds are looked up by an id that names nothing here, so the officer gets 404.
  'GET /governance': ADMIN_ONLY_PAGE,
  'GET /governance/subject-access': ADMIN_ONLY_PAGE,
  'GET /governance/subject-access/new': ADMIN_ONLY_PAGE,
  'POST /governance/subject-access/new': ADMIN_ONLY_FORM,
  'GET /governance/subject-access/:subjectAccessId': { ...ADMIN_ONLY_PAGE, admin: 404 },
  'POST /governance/subject-access/:subjectAccessId': { ...ADMIN_ONLY_PAGE, admin: 404 },
  'GET /governance/retention': ADMIN_ONLY_PAGE,
  // Without the confirmation box ticked, nothing is disposed of: the form comes back with an error.
  'POST /governance/retention/dispose': ADMIN_ONLY_FORM,
  'GET /governance/retention/runs/:runId': { ...ADMIN_ONLY_PAGE, admin: 404 },
  'GET /governance/holds': ADMIN_ONLY_PAGE,
  'GET /governance/holds/new': ADMIN_ONLY_PAGE,
  'POST /governance/holds/new': ADMIN_ONLY_FORM,
  'GET /governance/holds/:holdId': { ...ADMIN_ONLY_PAGE, admin: 404 },
  'POST /governance/holds/:holdId': { ...ADMIN_ONLY_PAGE, admin: 404 },
  // Access-log reports: governance and the QA team. An export names no child or worker here: 404.
  'GET /access-log': { anonymous: 303, admin: 200, 'qa-officer': 200, other: 403 },
  'GET /access-log/export': { anonymous: 303, admin: 404, 'qa-officer': 404, other: 403 },
};

/** The audit programme's demo records: a programme, its allocated round, a child, a moderation, a dispute, a theme. */
async function programmeFixtures(t: TestApp): Promise<Record<'programmeId' | 'auditRoundId' | 'childId' | 'moderationId' | 'disputeId' | 'themeId', string>> {
  const one = async (query: ReturnType<typeof sql>) => (await queryRows<{ id: string }>(t.database.db, query))[0]!.id;
  return {
    programmeId: await one(sql`select id from audit_programmes where title = 'Monthly collaborative audits'`),
    auditRoundId: await one(sql`select round_id as id from audit_round_allocations limit 1`),
    childId: await one(sql`select id from children where child_ref = 'NB-P001'`),
    moderationId: await one(sql`select a.id from audits a join children c on c.id = a.child_id where c.child_ref = 'NB-P101'`),
    disputeId: await one(sql`select d.id from audit_disputes d join audits a on a.id = d.audit_id join children c on c.id = a.child_id where c.child_ref = 'NB-P103'`),
    themeId: await one(sql`select id from audit_themes_list where name = 'Drift and delay'`),
  };
}

/** The demo audit NB-A006 and its safeguarding alert. */
async function auditFixtures(t: TestApp): Promise<{ auditId: string; alertId: string }> {
  const [row] = await queryRows<{ audit_id: string; alert_id: string }>(
    t.database.db,
    sql`select a.id as audit_id, s.id as alert_id from audits a join children c on c.id = a.child_id join safeguarding_alerts s on s.audit_id = a.id where c.child_ref = 'NB-A006'`,
  );
  return { auditId: row!.audit_id, alertId: row!.alert_id };
}

/** The demo action owned by the practitioner, still open. */
async function actionFixture(t: TestApp): Promise<string> {
  const [row] = await t.database.db.select({ id: actions.id }).from(actions).where(like(actions.what, 'Update the chronology to include the last three months%'));
  return row!.id;
}

/** An imported demo child of Family support team north, and the demo import itself. */
async function caseFixtures(t: TestApp): Promise<{ caseId: string; importId: string }> {
  const [child] = await queryRows<{ id: string }>(
    t.database.db,
    sql`select id from children where organisation_id = ${t.council.organisationId} and source = 'import' and team_id = ${t.council.teams['fst-north']} order by child_ref limit 1`,
  );
  const [record] = await queryRows<{ id: string }>(t.database.db, sql`select id from case_imports where organisation_id = ${t.council.organisationId} limit 1`);
  return { caseId: child!.id, importId: record!.id };
}

/** Every route the application answers, read from Express itself. */
export function routesOf(app: Express): string[] {
  const stack = (app as unknown as { router: { stack: Array<{ route?: { path: string; methods: Record<string, boolean> }; name: string }> } }).router.stack;
  const routes: string[] = [];
  for (const layer of stack) {
    // A mounted sub-router would hide its routes from this list: the app registers routes directly.
    expect(layer.name, 'routes must be registered on the app, not in sub-routers').not.toBe('router');
    if (!layer.route) continue;
    for (const method of Object.keys(layer.route.methods)) routes.push(`${method.toUpperCase()} ${layer.route.path}`);
  }
  return routes;
}

describe('access-control matrix', () => {
  let t: TestApp;
  const clients = new Map<Who, TestClient>();
  let params: Record<string, string>;
  let assetUrl: string;

  beforeAll(async () => {
    t = await createTestApp();
    clients.set('anonymous', t.client());
    for (const role of ROLES) clients.set(role, await t.signInAs(role));
    params = {
      teamId: t.council.teams['fst-north']!,
      serviceId: t.council.services['safeguarding']!,
      // Not a role account: disabling it mid-test signs none of the clients out.
      userId: t.council.people['sw-2']!,
      catalogueId: 'practice-audit-tool',
      notificationId: '00000000-0000-4000-8000-000000000000',
      grantId: '00000000-0000-4000-8000-000000000000',
      ...(await caseFixtures(t)),
      actionId: await actionFixture(t),
      toolId: 'practice-audit-tool',
      closureDate: '2026-12-29',
      ...(await auditFixtures(t)),
      areaNumber: '1',
      partnerId: t.council.people['partner']!,
      ...(await programmeFixtures(t)),
      subjectAccessId: '00000000-0000-4000-8000-000000000000',
      runId: '00000000-0000-4000-8000-000000000000',
      holdId: '00000000-0000-4000-8000-000000000000',
      rehearsalRoundId: (await queryRows<{ id: string }>(t.database.db, sql`select round_id as id from insight_rehearsals limit 1`))[0]!.id,
    };
    const home = await clients.get('admin')!.get('/');
    assetUrl = /href="(\/assets\/application-[^"]+\.css)"/.exec(home.text)![1]!;
  });
  afterAll(async () => {
    await t.close();
  });

  it('has a row for every route, and a route for every row', () => {
    const routes = routesOf(t.app).sort();
    expect(routes).toEqual(Object.keys(MATRIX).sort());
  });

  for (const [route, expectation] of Object.entries(MATRIX)) {
    it(route, async () => {
      const [method, pattern] = route.split(' ') as [string, string];
      const path = pattern === '/assets/{*file}' ? assetUrl : pattern.replace(/:(\w+)/g, (_, name: string) => params[name]!);
      const actual: Partial<Record<Who, number>> = {};
      const expected: Partial<Record<Who, number>> = {};
      for (const who of WHO) {
        // Signing out ends the session, so it gets a session of its own.
        const client = route === 'POST /sign-out' && who !== 'anonymous' ? await t.signInAs(who) : clients.get(who)!;
        const response = method === 'GET' ? await client.get(path) : await client.post(path, {});
        actual[who] = response.status;
        expected[who] = expectation[who] ?? expectation.other!;
      }
      expect(actual).toEqual(expected);
    });
  }
});
