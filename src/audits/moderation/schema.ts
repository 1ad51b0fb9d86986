/** The council's moderation share: which submitted audits go to moderation (stage 2). */
import { boolean, integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { organisations } from '../../org/schema.ts';

export const moderationSettings = pgTable('audit_moderation_settings', {
  organisationId: uuid('organisation_id')
    .primaryKey()
    .references(() => organisations.id),
  /** Every audit judged at the scale's worst grade is moderated. */
  allInadequate: boolean('all_inadequate').notNull(),
  /** The share of the other audits drawn at random for moderation, in per cent. */
  randomPercent: integer('random_percent').notNull(),
  /** Seeds each audit's random draw, so the selection can be repeated and checked. */
  seed: text('seed').notNull(),
  version: integer('version').notNull().default(1),
});
