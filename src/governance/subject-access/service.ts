/**
 * Subject access requests: recorded as received, answered with a bundle of everything held about
 * the subject after the officer's redaction choices, and a record that each bundle was produced
 * (who, when, SHA-256, counts, what was redacted: never the content).
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../platform/db/client.ts';
import { requireCapability, type Actor } from '../../platform/auth/actor.ts';
import { NotFoundError } from '../../platform/http/errors.ts';
import { addMonths, type IsoDate } from '../../platform/calendar/iso-date.ts';
import { isoDateFrom } from '../../audits/programme/dates.ts';
import { organisations, users } from '../../org/schema.ts';
import { children } from '../../cases/schema.ts';
import { REQUESTER_KINDS, subjectAccessBundles, subjectAccessRequests, type SubjectType } from '../schema.ts';
import { findChildByRef } from '../holds.ts';
import { gatherChild, gatherStaff, type Gathered } from './gather.ts';
import { applyRedactions, defaultChoices, findThirdParties, type Party, type RedactionChoices } from './redaction.ts';
import { buildBundle, type Bundle } from './bundle.ts';

export const REQUESTER_LABELS: Record<(typeof REQUESTER_KINDS)[number], string> = {
  'the-subject': 'The person the information is about',
  'parent-or-carer': 'A parent or carer with parental responsibility',
  representative: 'A representative (a solicitor, an advocate) with the person’s authority',
};

export const StartRequestInput = z
  .object({
    subjectType: z.enum(['child', 'staff'], { error: 'Choose whether the request is about a child or a member of staff' }),
    childRef: z.string().trim().max(100, 'The reference must be 100 characters or fewer').optional(),
    staffEmail: z.string().trim().max(320, 'The e-mail address must be 320 characters or fewer').optional(),
    requester: z.enum(REQUESTER_KINDS, { error: 'Choose who made the request' }),
    receivedOn: isoDateFrom('date the request was received'),
  })
  .superRefine((value, ctx) => {
    if (value.subjectType === 'child' && !value.childRef) ctx.addIssue({ code: 'custom', path: ['childRef'], message: 'Enter the child’s reference' });
    if (value.subjectType === 'staff' && !value.staffEmail) ctx.addIssue({ code: 'custom', path: ['staffEmail'], message: 'Enter the member of staff’s e-mail address' });
  });
export type StartRequestInput = z.infer<typeof StartRequestInput>;

export class RequestFieldProblem extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export const reference = (n: number | null) => `SAR-${n ?? 0}`;

export async function startRequest(db: Db, actor: Actor, input: StartRequestInput, today: IsoDate, now: Date): Promise<string> {
  requireCapability(actor, 'governance.manage');
  if (input.receivedOn > today) throw new RequestFieldProblem('receivedOn', 'The date the request was received must be today or in the past');
  let subjectId: string;
  if (input.subjectType === 'child') {
    const child = await findChildByRef(db, actor.organisationId, input.childRef!);
    if (!child) throw new RequestFieldProblem('childRef', 'No child has that reference');
    subjectId = child.id;
  } else {
    const [user] = await db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.organisationId, actor.organisationId), sql`lower(${users.email}) = lower(${input.staffEmail!})`));
    if (!user) throw new RequestFieldProblem('staffEmail', 'No member of staff has that e-mail address');
    subjectId = user.id;
  }
  const [row] = await db
    .insert(subjectAccessRequests)
    .values({ organisationId: actor.organisationId, subjectType: input.subjectType, subjectId, requester: input.requester, receivedOn: input.receivedOn, createdBy: actor.userId, createdAt: now })
    .returning({ id: subjectAccessRequests.id });
  return row!.id;
}

export interface RequestView {
  id: string;
  reference: string;
  subjectType: SubjectType;
  subjectId: string;
  /** The child's reference or the staff member's name; "record disposed of" once it is gone. */
  subjectLabel: string;
  requester: string;
  receivedOn: IsoDate;
  /** One calendar month from receipt (UK GDPR Article 12(3)). */
  respondBy: IsoDate;
  status: 'open' | 'produced';
  createdByName: string;
  createdAt: Date;
  version: number;
}

async function requestRows(db: Db, actor: Actor, id?: string): Promise<RequestView[]> {
  requireCapability(actor, 'governance.manage');
  const createdBy = users;
  const rows = await db
    .select({ request: subjectAccessRequests, createdByName: createdBy.displayName, childRef: children.childRef, staffName: sql<string | null>`(select display_name from users s where s.id = ${subjectAccessRequests.subjectId})` })
    .from(subjectAccessRequests)
    .innerJoin(createdBy, eq(createdBy.id, subjectAccessRequests.createdBy))
    .leftJoin(children, and(eq(subjectAccessRequests.subjectType, 'child'), eq(children.id, subjectAccessRequests.subjectId)))
    .where(and(eq(subjectAccessRequests.organisationId, actor.organisationId), id ? eq(subjectAccessRequests.id, id) : undefined))
    .orderBy(desc(subjectAccessRequests.createdAt));
  return rows.map(({ request: r, createdByName, childRef, staffName }) => ({
    id: r.id,
    reference: reference(r.number),
    subjectType: r.subjectType,
    subjectId: r.subjectId,
    subjectLabel: (r.subjectType === 'child' ? childRef : staffName) ?? 'Record disposed of',
    requester: REQUESTER_LABELS[r.requester],
    receivedOn: r.receivedOn,
    respondBy: addMonths(r.receivedOn, 1),
    status: r.status,
    createdByName,
    createdAt: r.createdAt,
    version: r.version,
  }));
}

export const listRequests = (db: Db, actor: Actor) => requestRows(db, actor);

export async function getRequest(db: Db, actor: Actor, id: string): Promise<RequestView> {
  const [request] = await requestRows(db, actor, id);
  if (!request) throw new NotFoundError();
  return request;
}

export async function bundlesOf(db: Db, actor: Actor, requestId: string) {
  requireCapability(actor, 'governance.manage');
  return db
    .select({ producedAt: subjectAccessBundles.producedAt, producedByName: users.displayName, sha256: subjectAccessBundles.sha256, bytes: subjectAccessBundles.bytes, counts: subjectAccessBundles.counts, redactions: subjectAccessBundles.redactions })
    .from(subjectAccessBundles)
    .innerJoin(users, eq(users.id, subjectAccessBundles.producedBy))
    .where(eq(subjectAccessBundles.requestId, requestId))
    .orderBy(desc(subjectAccessBundles.producedAt));
}

export interface Prepared {
  request: RequestView;
  gathered: Gathered;
  parties: Party[];
}

/** Everything held about the request's subject, and the third parties found in it. */
export async function prepare(db: Db, actor: Actor, id: string): Promise<Prepared> {
  const request = await getRequest(db, actor, id);
  if (request.subjectLabel === 'Record disposed of') throw new NotFoundError('The subject’s record has been disposed of: Sightline holds nothing more about them.');
  const gathered = request.subjectType === 'child' ? await gatherChild(db, actor.organisationId, request.subjectId) : await gatherStaff(db, actor.organisationId, request.subjectId);
  return { request, gathered, parties: findThirdParties(gathered.sections, gathered.known, gathered.subjectKey) };
}

/**
 * The officer's choices from the form. `redactParty` and `redactField` hold party and field keys
 * (ids, never names). A key the form did not offer is ignored, so a crafted form can only choose
 * among what is there.
 */
export const ChoicesInput = z.object({
  staffNames: z.enum(['redact', 'disclose'], { error: 'Choose whether to redact the names of staff' }),
  redactParty: z.union([z.string(), z.array(z.string())]).optional(),
  redactField: z.union([z.string(), z.array(z.string())]).optional(),
  intent: z.enum(['preview', 'produce'], { error: 'Choose to preview or to produce the bundle' }),
});

export function choicesFrom(input: z.infer<typeof ChoicesInput>, prepared: Prepared): RedactionChoices {
  const list = (v: string | string[] | undefined) => new Set(v === undefined ? [] : Array.isArray(v) ? v : [v]);
  const offeredParties = new Set(prepared.parties.filter((p) => p.kind !== 'staff').map((p) => p.key));
  const offeredFields = new Set(prepared.gathered.sections.flatMap((s) => s.records.flatMap((r) => r.fields.flatMap((f) => (f.freeText ? [f.freeText] : [])))));
  return {
    staffNames: input.staffNames,
    parties: new Set([...list(input.redactParty)].filter((k) => offeredParties.has(k))),
    fields: new Set([...list(input.redactField)].filter((k) => offeredFields.has(k))),
  };
}

export { defaultChoices };

export function redacted(prepared: Prepared, choices: RedactionChoices) {
  return applyRedactions(prepared.gathered.sections, prepared.parties, choices);
}

/** Builds the bundle and records that it was produced, in the same transaction as the request's status. */
export async function produceBundle(db: Db, actor: Actor, prepared: Prepared, choices: RedactionChoices, now: Date): Promise<Bundle> {
  requireCapability(actor, 'governance.manage');
  const { sections, summary } = redacted(prepared, choices);
  const [council] = await db.select({ name: organisations.name }).from(organisations).where(eq(organisations.id, actor.organisationId));
  const bundle = await buildBundle({
    reference: prepared.request.reference,
    council: council?.name ?? 'the council',
    subjectType: prepared.request.subjectType,
    subjectLabel: prepared.gathered.subjectLabel,
    producedAt: now.toISOString(),
    sections,
    redactions: summary,
  });
  await db.transaction(async (tx) => {
    await tx.insert(subjectAccessBundles).values({
      requestId: prepared.request.id,
      producedBy: actor.userId,
      producedAt: now,
      sha256: bundle.sha256,
      bytes: bundle.zip.length,
      counts: bundle.counts,
      redactions: { ...summary },
    });
    await tx
      .update(subjectAccessRequests)
      .set({ status: 'produced', version: sql`${subjectAccessRequests.version} + 1` })
      .where(eq(subjectAccessRequests.id, prepared.request.id));
  });
  return bundle;
}
