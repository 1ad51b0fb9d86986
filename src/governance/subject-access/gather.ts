/**
 * Everything Sightline holds about one person, gathered for a subject access request: for a
 * child, their record and imported facts, deadlines, every audit of them with all its parts,
 * actions, safeguarding alerts and every access-log entry about their records; for a member of
 * staff, their account and roles, the audits and actions they own and the access log of what
 * they did. People named along the way are marked, so the redaction step can find them.
 */
import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../../platform/db/client.ts';
import { formatDate, formatDateTime } from '../../platform/http/render.ts';
import type { BundleField, BundleRecord, BundleSection, Party } from './redaction.ts';

export interface Gathered {
  /** How the bundle names its subject: the child's reference, or the staff member's name. */
  subjectLabel: string;
  /** The subject's own party key: never a third party in their own bundle. */
  subjectKey: string;
  sections: BundleSection[];
  /** Everyone whose name could appear: the council's staff and children, and family members in feedback. */
  known: Party[];
}

type Row = Record<string, unknown>;

const text = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return formatDateTime(value);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
};
const day = (value: unknown) => (value ? formatDate(String(value).slice(0, 10)) : '');
const when = (value: unknown) => (value ? formatDateTime(value instanceof Date ? value : new Date(String(value))) : '');

/** A field only when it holds something: an empty answer adds nothing to the bundle. */
function fields(...entries: Array<BundleField | false | null | undefined>): BundleField[] {
  return entries.filter((f): f is BundleField => !!f && f.value !== '');
}
const plain = (label: string, value: unknown): BundleField => ({ label, value: text(value) });
const person = (label: string, userId: unknown, name: unknown): BundleField | null => (userId ? { label, value: text(name), person: `staff:${String(userId)}` } : null);
const free = (label: string, value: unknown, key: string): BundleField => ({ label, value: text(value), freeText: key });

async function rows(db: Db, query: SQL): Promise<Row[]> {
  return queryRows<Row>(db, query);
}

async function knownParties(db: Db, organisationId: string): Promise<Party[]> {
  const staff = await rows(db, sql`select id, display_name from users where organisation_id = ${organisationId}`);
  const kids = await rows(db, sql`select id, name from children where organisation_id = ${organisationId} and name is not null`);
  return [
    ...staff.map((s) => ({ key: `staff:${String(s.id)}`, kind: 'staff' as const, name: String(s.display_name), foundInText: false })),
    ...kids.map((c) => ({ key: `child:${String(c.id)}`, kind: 'child' as const, name: String(c.name), foundInText: false })),
  ];
}

/** An allocation fact names its worker as the extract spells it: a staff name even when it matches no account. */
function factFields(fact: Row, known: Party[]): BundleField[] {
  const body = (fact.fact ?? {}) as Record<string, unknown>;
  return Object.entries(body)
    .filter(([key]) => key !== 'source' && key !== 'childId')
    .map(([key, value]): BundleField => {
      if (/worker$/i.test(key) && typeof value === 'string' && value.trim()) {
        const key2 = `staff-name:${value.trim().toLowerCase()}`;
        if (!known.some((p) => p.key === key2)) known.push({ key: key2, kind: 'staff', name: value.trim(), foundInText: false });
        return { label: key, value, person: key2 };
      }
      return plain(key, value);
    });
}

const section = (recordType: string, title: string, records: BundleRecord[]): BundleSection => ({ recordType, title, records });

export async function gatherChild(db: Db, organisationId: string, childId: string): Promise<Gathered> {
  const known = await knownParties(db, organisationId);
  const [child] = await rows(
    db,
    sql`select c.*, t.name as team_name, w.display_name as worker_name from children c left join teams t on t.id = c.team_id left join users w on w.id = c.worker_id
         where c.id = ${childId} and c.organisation_id = ${organisationId}`,
  );
  if (!child) throw new Error('child not found');
  const ref = String(child.child_ref);
  const sections: BundleSection[] = [];

  sections.push(
    section('child', 'The child’s record', [
      {
        id: childId,
        title: `Child ${ref}`,
        fields: fields(
          { label: 'Reference', value: ref, identity: true },
          { label: 'Name', value: text(child.name), identity: true },
          { label: 'Date of birth', value: day(child.date_of_birth), identity: true },
          { label: 'Gender', value: text(child.gender), identity: true },
          plain('Case type', child.case_type),
          plain('Team', child.team_name),
          person('Allocated worker', child.worker_id, child.worker_name),
          plain('Team in the latest extract', child.extract_team),
          child.extract_worker ? { label: 'Worker in the latest extract', value: text(child.extract_worker), person: `staff-name:${text(child.extract_worker).trim().toLowerCase()}` } : null,
          plain('Added by', child.source === 'manual' ? 'hand' : 'import'),
          plain('Recorded in Sightline', when(child.created_at)),
        ),
      },
    ]),
  );
  if (child.extract_worker) {
    const name = text(child.extract_worker).trim();
    const key = `staff-name:${name.toLowerCase()}`;
    if (!known.some((p) => p.key === key)) known.push({ key, kind: 'staff', name, foundInText: false });
  }

  const facts = await rows(db, sql`select * from case_facts where child_id = ${childId} order by event_date nulls first, kind, fact_key`);
  sections.push(
    section(
      'case-fact',
      'Facts imported from the council’s case records',
      facts.map((f) => ({
        id: String(f.id),
        title: `${text(f.kind)}${f.event_date ? `, ${day(f.event_date)}` : ''}`,
        fields: fields(plain('Kind', f.kind), plain('Date', day(f.event_date)), plain('End date', day(f.end_date)), ...factFields(f, known), plain('From the extract', `${text(f.source_format)} file ${text(f.source_file)}${f.source_row ? `, row ${text(f.source_row)}` : ''}`)),
      })),
    ),
  );

  const items = await rows(db, sql`select * from compliance_items where child_id = ${childId} order by due_date, measure`);
  sections.push(
    section(
      'timeliness-item',
      'Timeliness: deadlines computed from the facts',
      items.map((i) => ({
        id: String(i.id),
        title: `${text(i.measure)}, due ${day(i.due_date)}`,
        fields: fields(plain('Measure', i.measure), plain('Status', i.status), plain('From', day(i.anchor_date)), plain('Due', day(i.due_date)), plain('Done', day(i.actual_date)), plain('As of', day(i.as_of))),
      })),
    ),
  );

  const auditRows = await rows(
    db,
    sql`select a.*, au.display_name as auditor_name, p.display_name as practitioner_name from audits a
          join users au on au.id = a.auditor_id left join users p on p.id = a.practitioner_id
         where a.child_id = ${childId} order by a.created_at`,
  );
  const auditIds = auditRows.map((a) => String(a.id));
  sections.push(section('audit', 'Audits of the child', auditRows.map((a) => auditRecord(a))));
  sections.push(...(await auditParts(db, auditIds, known)));

  const actionRows = await rows(
    db,
    sql`select x.*, o.display_name as owner_name from actions x join users o on o.id = x.owner_id
         where x.child_id = ${childId} or x.audit_id in (select id from audits where child_id = ${childId}) order by x.created_at`,
  );
  sections.push(section('action', 'Actions', actionRows.map(actionRecord)));

  const log = await rows(
    db,
    sql`select l.*, u.display_name as user_name from access_log l left join users u on u.id = l.user_id
         where (l.record_type = 'child' and l.record_id = ${childId})
            or (l.record_type = 'audit' and l.record_id in (select id::text from audits where child_id = ${childId}))
            or (l.record_type = 'action' and l.record_id in (select x.id::text from actions x left join audits a on a.id = x.audit_id where x.child_id = ${childId} or a.child_id = ${childId}))
         order by l.at, l.id`,
  );
  sections.push(section('access-log', 'Who viewed or changed these records (the access log)', log.map(logRecord)));

  return { subjectLabel: ref, subjectKey: `child:${childId}`, sections, known };
}

function auditRecord(a: Row): BundleRecord {
  const id = String(a.id);
  return {
    id,
    title: `Audit with ${text(a.tool_id)} (version ${text(a.tool_version)}), started ${day(a.created_at)}`,
    fields: fields(
      plain('Status', a.status),
      person('Auditor', a.auditor_id, a.auditor_name),
      person('Practitioner', a.practitioner_id, a.practitioner_name),
      plain('Period audited', `${day(a.period_start)} to ${day(a.period_end)}`),
      plain('Due', day(a.due_date)),
      plain('Grade the tool gave', a.computed_grade),
      plain('Final grade', a.final_grade),
      free('Why the grade was changed', a.override_reason, `${id}:override_reason`),
      free('Why there was no self-assessment', a.no_self_assessment_reason, `${id}:no_self_assessment_reason`),
      plain('Judgement inputs', a.judgement_inputs),
      plain('Moderated grade', a.moderated_grade),
      plain('Safeguarding concern raised', a.safeguarding_concern ? 'Yes' : 'No'),
      plain('Submitted', when(a.submitted_at)),
      plain('Closed', when(a.closed_at)),
    ),
  };
}

function actionRecord(x: Row): BundleRecord {
  const id = String(x.id);
  return {
    id,
    title: `Action A-${text(x.number)}, due ${day(x.due_date)}`,
    fields: fields(
      free('What', x.what, `${id}:what`),
      person('Owner', x.owner_id, x.owner_name),
      plain('Due', day(x.due_date)),
      plain('Priority', x.priority),
      plain('Status', x.status),
      free('What was done', x.evidence, `${id}:evidence`),
      free('Why it was cancelled', x.cancel_reason, `${id}:cancel_reason`),
      plain('Set', when(x.created_at)),
      plain('Signed off', when(x.signed_off_at)),
    ),
  };
}

function logRecord(l: Row): BundleRecord {
  return {
    id: String(l.id),
    title: `${text(l.action)} of ${text(l.record_type)}, ${when(l.at)}`,
    fields: fields(plain('When', when(l.at)), person('Who', l.user_id, l.user_name), plain('Acting as', l.role), plain('What', l.action), plain('Record', `${text(l.record_type)} ${text(l.record_id)}`)),
  };
}

/** Every part of the audits: grades and notes, timeline, alerts, feedback, learning, moderation, disputes, themes. */
async function auditParts(db: Db, auditIds: string[], known: Party[]): Promise<BundleSection[]> {
  const ids = auditIds.length > 0 ? sql.join(auditIds.map((id) => sql`${id}::uuid`), sql`, `) : sql`null::uuid`;
  const responses = await rows(
    db,
    sql`select r.*, u.display_name as updated_by_name from audit_responses r left join users u on u.id = r.updated_by where r.audit_id in (${ids}) order by r.audit_id, r.stage, r.area_id, r.criterion_id`,
  );
  const events = await rows(db, sql`select e.*, u.display_name as actor_name from audit_events e left join users u on u.id = e.actor_id where e.audit_id in (${ids}) order by e.at, e.id`);
  const alerts = await rows(db, sql`select s.*, u.display_name as raised_by_name from safeguarding_alerts s join users u on u.id = s.raised_by where s.audit_id in (${ids}) order by s.raised_at`);
  const alertIds = alerts.length > 0 ? sql.join(alerts.map((a) => sql`${String(a.id)}::uuid`), sql`, `) : sql`null::uuid`;
  const recipients = await rows(db, sql`select r.*, u.display_name as user_name from safeguarding_alert_recipients r join users u on u.id = r.user_id where r.alert_id in (${alertIds})`);
  const notes = await rows(db, sql`select n.*, u.display_name as author_name from safeguarding_alert_notes n join users u on u.id = n.author_id where n.alert_id in (${alertIds}) order by n.at`);
  const feedback = await rows(db, sql`select f.*, u.display_name as recorded_by_name from audit_family_feedback f join users u on u.id = f.recorded_by where f.audit_id in (${ids}) order by f.recorded_at`);
  const learning = await rows(db, sql`select l.*, u.display_name as user_name from audit_learning l join users u on u.id = l.user_id where l.audit_id in (${ids}) order by l.recorded_at`);
  const moderations = await rows(db, sql`select m.*, u.display_name as moderator_name from audit_moderations m left join users u on u.id = m.moderator_id where m.audit_id in (${ids})`);
  const disputes = await rows(db, sql`select d.*, u.display_name as raised_by_name from audit_disputes d join users u on u.id = d.raised_by where d.audit_id in (${ids}) order by d.raised_at`);
  const disputeIds = disputes.length > 0 ? sql.join(disputes.map((d) => sql`${String(d.id)}::uuid`), sql`, `) : sql`null::uuid`;
  const steps = await rows(db, sql`select s.*, u.display_name as actor_name from audit_dispute_steps s join users u on u.id = s.actor_id where s.dispute_id in (${disputeIds}) order by s.at`);
  const themes = await rows(
    db,
    sql`select at.*, t.name as theme_name, u.display_name as tagged_by_name from audit_themes at join audit_themes_list t on t.id = at.theme_id join users u on u.id = at.tagged_by where at.audit_id in (${ids}) order by at.tagged_at`,
  );

  return [
    section(
      'audit-response',
      'Audit grades and notes',
      responses.map((r) => {
        const id = `${text(r.audit_id)}:${text(r.stage)}:${text(r.area_id)}:${text(r.criterion_id)}`;
        return {
          id,
          title: `${text(r.stage)}: area ${text(r.area_id)}${r.criterion_id ? `, criterion ${text(r.criterion_id)}` : ''}`,
          fields: fields(
            plain('Audit', r.audit_id),
            plain('Grade', r.grade),
            free('Evidence', r.evidence, `${id}:evidence`),
            free('What is working well', r.working_well, `${id}:working_well`),
            free('Worries', r.worries, `${id}:worries`),
            free('Next steps', r.next_steps, `${id}:next_steps`),
            free('Reason or reflection', r.reason, `${id}:reason`),
            plain('Features evident', r.features_evident),
            person('Last written by', r.updated_by, r.updated_by_name),
            plain('Last written', when(r.updated_at)),
          ),
        };
      }),
    ),
    section(
      'audit-event',
      'Audit timelines',
      events.map((e) => ({
        id: String(e.id),
        title: `${text(e.kind)}, ${when(e.at)}`,
        fields: fields(plain('Audit', e.audit_id), plain('What happened', e.kind), person('Who', e.actor_id, e.actor_name), free('Details', e.detail, `${text(e.id)}:detail`)),
      })),
    ),
    section(
      'safeguarding-alert',
      'Safeguarding alerts',
      alerts.map((a) => {
        const id = String(a.id);
        return {
          id,
          title: `Safeguarding alert, ${when(a.raised_at)}`,
          fields: fields(
            plain('Audit', a.audit_id),
            person('Raised by', a.raised_by, a.raised_by_name),
            free('Concern', a.concern, `${id}:concern`),
            ...recipients
              .filter((r) => r.alert_id === a.id)
              .flatMap((r) => fields(person('Told', r.user_id, r.user_name), free('Their acknowledgement', r.acknowledgement, `${id}:${text(r.user_id)}:acknowledgement`))),
            ...notes.filter((n) => n.alert_id === a.id).flatMap((n) => fields(person('Note by', n.author_id, n.author_name), free('Note', n.note, `${text(n.id)}:note`))),
          ),
        };
      }),
    ),
    section(
      'family-feedback',
      'What the child and family said',
      feedback.map((f) => {
        const id = String(f.id);
        const familyMember = f.respondent && f.respondent !== 'child';
        if (familyMember) known.push({ key: `family:${id}`, kind: 'family', name: `The ${text(f.respondent)} whose feedback was recorded ${day(f.recorded_at)}`, foundInText: false });
        return {
          id,
          title: `Feedback${f.respondent ? ` from the ${text(f.respondent)}` : ''}, ${day(f.recorded_at)}`,
          fields: fields(
            plain('Audit', f.audit_id),
            plain('Who', f.respondent),
            plain('How', f.method),
            familyMember ? { label: 'What they said', value: text(f.what_they_said), belongsTo: `family:${id}` } : free('What they said', f.what_they_said, `${id}:what_they_said`),
            familyMember ? { label: 'Rating', value: text(f.rating), belongsTo: `family:${id}` } : plain('Rating', f.rating),
            free('Why feedback was not sought', f.not_sought_reason, `${id}:not_sought_reason`),
            person('Recorded by', f.recorded_by, f.recorded_by_name),
          ),
        };
      }),
    ),
    section(
      'learning',
      'Reflective learning',
      learning.map((l) => {
        const id = `${text(l.audit_id)}:${text(l.user_id)}`;
        return { id, title: `Learning (${text(l.participation)}), ${day(l.recorded_at)}`, fields: fields(plain('Audit', l.audit_id), person('By', l.user_id, l.user_name), free('Learning', l.learning, `${id}:learning`)) };
      }),
    ),
    section(
      'moderation',
      'Moderation',
      moderations.map((m) => {
        const id = `moderation:${text(m.audit_id)}`;
        return {
          id,
          title: `Moderation of audit ${text(m.audit_id)}`,
          fields: fields(
            person('Moderator', m.moderator_id, m.moderator_name),
            plain('Selected because', m.selected_because),
            free('Reflective discussion', m.reflective_discussion, `${id}:reflective_discussion`),
            plain('Overall grade', m.overall_grade),
            free('Why', m.overall_reason, `${id}:overall_reason`),
            plain('Completed', when(m.completed_at)),
          ),
        };
      }),
    ),
    section(
      'dispute',
      'Disputes about grades',
      disputes.map((d) => {
        const id = String(d.id);
        return {
          id,
          title: `Dispute raised ${day(d.raised_at)}`,
          fields: fields(
            plain('Audit', d.audit_id),
            person('Raised by', d.raised_by, d.raised_by_name),
            free('Their position', d.raiser_position, `${id}:raiser_position`),
            free('The moderator’s position', d.moderator_position, `${id}:moderator_position`),
            plain('Status', d.status),
            free('Outcome', d.outcome, `${id}:outcome`),
            plain('Grade decided', d.resolved_grade),
            ...steps.filter((s) => s.dispute_id === d.id).flatMap((s) => fields(person(`Step (${text(s.kind)}) by`, s.actor_id, s.actor_name), free('Step note', s.note, `${text(s.id)}:note`))),
          ),
        };
      }),
    ),
    section(
      'theme',
      'Themes',
      themes.map((t) => {
        const id = `${text(t.audit_id)}:${text(t.theme_id)}`;
        return { id, title: `Theme: ${text(t.theme_name)}`, fields: fields(plain('Audit', t.audit_id), plain('Kind', t.kind), free('Note', t.note, `${id}:note`), person('Tagged by', t.tagged_by, t.tagged_by_name)) };
      }),
    ),
  ];
}

export async function gatherStaff(db: Db, organisationId: string, userId: string): Promise<Gathered> {
  const known = await knownParties(db, organisationId);
  const [user] = await rows(
    db,
    sql`select u.*, t.name as team_name, m.display_name as manager_name from users u left join teams t on t.id = u.team_id left join users m on m.id = u.line_manager_id
         where u.id = ${userId} and u.organisation_id = ${organisationId}`,
  );
  if (!user) throw new Error('user not found');
  const roles = await rows(db, sql`select r.*, g.display_name as granted_by_name from user_roles r left join users g on g.id = r.granted_by where r.user_id = ${userId} order by r.granted_at`);
  const auditRows = await rows(
    db,
    sql`select a.*, au.display_name as auditor_name, p.display_name as practitioner_name, c.id as child_id, c.child_ref, c.name as child_name from audits a
          join users au on au.id = a.auditor_id left join users p on p.id = a.practitioner_id join children c on c.id = a.child_id
         where a.auditor_id = ${userId} or a.practitioner_id = ${userId} order by a.created_at`,
  );
  const actionRows = await rows(
    db,
    sql`select x.*, o.display_name as owner_name, c.id as child_id, c.child_ref from actions x join users o on o.id = x.owner_id left join children c on c.id = x.child_id
         where x.owner_id = ${userId} order by x.created_at`,
  );
  const log = await rows(db, sql`select l.*, u.display_name as user_name from access_log l left join users u on u.id = l.user_id where l.user_id = ${userId} order by l.at, l.id`);

  // For a member of staff, the children in their work are third parties: named by reference, redactable as people.
  const childField = (label: string, childId: unknown, childRef: unknown): BundleField | null => (childId ? { label, value: text(childRef), person: `child-ref:${String(childId)}` } : null);
  for (const r of [...auditRows, ...actionRows])
    if (r.child_id && !known.some((p) => p.key === `child-ref:${String(r.child_id)}`)) known.push({ key: `child-ref:${String(r.child_id)}`, kind: 'child', name: text(r.child_ref), foundInText: false });

  const subjectKey = `staff:${userId}`;
  const self = (label: string, value: unknown): BundleField => ({ label, value: text(value), identity: true });
  return {
    subjectLabel: text(user.display_name),
    subjectKey,
    known,
    sections: [
      section('user', 'Your account', [
        {
          id: userId,
          title: text(user.display_name),
          fields: fields(
            self('Name', user.display_name),
            self('E-mail', user.email),
            plain('Job title', user.job_title),
            plain('Team', user.team_name),
            person('Line manager', user.line_manager_id, user.manager_name),
            plain('Account created', when(user.created_at)),
            plain('Disabled', when(user.disabled_at)),
            plain('Signs in with a password', user.password_hash ? 'Yes' : 'No (single sign-on only)'),
          ),
        },
      ]),
      section(
        'user-role',
        'Your roles',
        roles.map((r) => ({ id: `${userId}:${text(r.role)}`, title: text(r.role), fields: fields(plain('Role', r.role), plain('Granted', when(r.granted_at)), person('Granted by', r.granted_by, r.granted_by_name), plain('Held now', r.active ? 'Yes' : 'No')) })),
      ),
      section(
        'audit',
        'Audits you carried out or took part in',
        auditRows.map((a) => {
          const record = auditRecord(a);
          return { ...record, fields: [...fields(childField('Child', a.child_id, a.child_ref)), ...record.fields] };
        }),
      ),
      section(
        'action',
        'Actions you own',
        actionRows.map((x) => {
          const record = actionRecord(x);
          return { ...record, fields: [...fields(childField('Child', x.child_id, x.child_ref)), ...record.fields] };
        }),
      ),
      section('access-log', 'What you viewed or changed (the access log)', log.map(logRecord)),
    ],
  };
}
