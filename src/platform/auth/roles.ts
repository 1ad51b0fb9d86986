/**
 * Roles (from DOMAIN.md) and the named capabilities granted to them. Deny by default: a
 * capability not listed for any of a user's roles is refused, in services and routes alike.
 */
export const ROLES = [
  'practitioner',
  'practice-manager',
  'group-manager',
  'moderator',
  'qa-officer',
  'senior-leader',
  'iro',
  'partner',
  'admin',
] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  practitioner: 'Practitioner',
  'practice-manager': 'Practice manager (auditor)',
  'group-manager': 'Group manager / service lead',
  moderator: 'Moderator',
  'qa-officer': 'Quality assurance officer',
  'senior-leader': 'Senior leader',
  iro: 'IRO / CP chair',
  partner: 'Multi-agency partner',
  admin: 'Administrator',
};

/** Everyone employed by the council; multi-agency partners are deliberately not in this list. */
const STAFF: Role[] = ROLES.filter((r) => r !== 'partner');

/**
 * Capability → roles that hold it. Later capabilities join this table as their features land;
 * the access-matrix test keeps routes and this table honest.
 */
export const CAPABILITIES = {
  /** Manage services, teams, users, role grants and line management. */
  'org.manage': ['admin'],
  /** See the council's structure: services, teams and who is in them. */
  'org.view': STAFF,
  /** See children's case records, within the teams the person's scope covers. */
  'cases.view': STAFF,
  /** Add a child's case by hand, or import the council's case-data extracts. */
  'cases.manage': ['qa-officer', 'admin'],
  /** Upload, review and publish revised audit tools and standards; retire a tool. */
  'standards.manage': ['admin', 'qa-officer'],
  /** Run the audit programme: programmes, drawing and allocating rounds, the moderation share, the dispute chain. */
  'programme.manage': ['qa-officer'],
  /** See the moderation pool: moderators who work it and the QA team who runs it. */
  'moderation.view': ['moderator', 'qa-officer'],
  /** Claim and moderate an audit sent to moderation (stage 2). */
  'moderation.moderate': ['moderator'],
  /** Stage 3: the theme list, tagging audits with themes, choosing cases for the senior leadership team. */
  'themes.manage': ['qa-officer'],
  /** The cases chosen for the senior leadership team, and the dispute figures. */
  'slt.view': ['qa-officer', 'senior-leader'],
  /** Disputes about moderated grades: each person sees only the disputes on audits they may see. */
  'disputes.view': STAFF,
  /** Actions: each person sees their own, their teams' and those they line-manage (scope in the service). */
  'actions.view': STAFF,
  /** Set an action for someone: auditors, managers, moderators and the QA team. */
  'actions.create': ['practice-manager', 'group-manager', 'moderator', 'qa-officer'],
  /** The default deadlines per audit tool, the reminder and the escalation schedule. */
  'actions.configure': ['qa-officer', 'admin'],
  /** The council's local closure days in the working-day calendar. */
  'calendar.manage': ['admin'],
  /** Background jobs: their runs, failures and undelivered e-mail. */
  'jobs.view': ['admin'],
  /** The insights pages' index and the lists of audits behind their figures: anyone who may see at least one insight page. */
  'insights.index': ['practice-manager', 'group-manager', 'moderator', 'qa-officer', 'senior-leader'],
  /** Dashboards: practice quality, timeliness, actions, voice of the child; over the teams the person's scope covers. */
  'insights.view': ['practice-manager', 'group-manager', 'qa-officer', 'senior-leader'],
  /** Calibration (auditor against moderator, self-assessment against audit), inflation flags, dispute outcomes: council-wide. */
  'insights.calibration': ['moderator', 'qa-officer', 'senior-leader'],
  /** Draw and run an inspection rehearsal round. */
  'insights.rehearse': ['qa-officer'],
  /** The Ofsted evidence by outcome measure and judgement area, and the themes and learning loop. */
  'insights.evidence': ['group-manager', 'qa-officer', 'senior-leader'],
  /**
   * Restrict a child's record to named people, grant and remove access, lift a restriction, and
   * see the break-glass report. Holding it opens no record by itself: a restricted child is seen
   * only with a grant (whoever restricts a record is granted it).
   */
  'restrictions.manage': ['qa-officer', 'admin'],
  /** An emergency view of a restricted record, with a reason, for a short window; reported to the QA lead. */
  'restrictions.break-glass': ['qa-officer', 'senior-leader', 'group-manager'],
  /** The quarterly QA report (HTML, PDF, workbook) for the senior management and leadership teams and the performance board. */
  'insights.report': ['qa-officer', 'senior-leader'],
  /**
   * Information governance (the council's data protection officer's work): subject access
   * requests and their bundles, retention, legal holds and disposal. Council-wide by nature, so
   * administrators only; a dedicated role would change every account and the access matrix.
   */
  'governance.manage': ['admin'],
  /** Reports of the access log by child and by worker: information governance and the QA team, who answer "who looked at this?". */
  'governance.access-log': ['admin', 'qa-officer'],
} as const satisfies Record<string, readonly Role[]>;
export type Capability = keyof typeof CAPABILITIES;

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function rolesGranting(capability: Capability): readonly Role[] {
  return CAPABILITIES[capability];
}
