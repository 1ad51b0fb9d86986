/** Single sign-on: whose identity at the provider is which Sightline user, and sign-ins under way. */
import { pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from '../../../org/schema.ts';

/**
 * The provider's subject for a user, linked at their first SSO sign-in (matched then by
 * e-mail). A subject is unique only within its issuer, so the pair is the key; after linking,
 * a changed e-mail at the provider still finds the same person, and someone else given the old
 * address does not.
 */
export const oidcIdentities = pgTable(
  'oidc_identities',
  {
    userId: uuid('user_id').primaryKey().references(() => users.id),
    issuer: text('issuer').notNull(),
    subject: text('subject').notNull(),
    linkedAt: timestamp('linked_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('oidc_identities_issuer_subject').on(t.issuer, t.subject)],
);

/**
 * A sign-in sent to the provider and not yet back: the PKCE verifier, state and nonce it must
 * come back with. Keyed by the SHA-256 of a random cookie, so only the browser that started it
 * can finish it; used once; ten minutes to live.
 */
export const oidcSignInAttempts = pgTable('oidc_sign_in_attempts', {
  idHash: text('id_hash').primaryKey(),
  state: text('state').notNull(),
  nonce: text('nonce').notNull(),
  codeVerifier: text('code_verifier').notNull(),
  returnTo: text('return_to'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
