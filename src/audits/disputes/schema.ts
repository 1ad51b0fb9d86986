/**
 * The council's dispute escalation chain, and the chain each dispute was raised under: a chain
 * changed later does not move a dispute already under way.
 */
import { integer, jsonb, pgTable, uuid } from 'drizzle-orm/pg-core';
import { organisations } from '../../org/schema.ts';
import { disputes } from '../schema.ts';
import type { DisputeChain } from './chain.ts';

export const disputeChains = pgTable('audit_dispute_chains', {
  organisationId: uuid('organisation_id')
    .primaryKey()
    .references(() => organisations.id),
  chain: jsonb('chain').$type<DisputeChain>().notNull(),
  version: integer('version').notNull().default(1),
});

export const disputeRoutes = pgTable('audit_dispute_routes', {
  disputeId: uuid('dispute_id')
    .primaryKey()
    .references(() => disputes.id),
  chain: jsonb('chain').$type<DisputeChain>().notNull(),
});
