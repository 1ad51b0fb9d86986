/**
 * Signing in through the council's identity provider: OpenID Connect authorisation code flow
 * with PKCE, state and nonce (openid-client does the protocol checks), then matching the
 * person to their Sightline account and bringing their roles into line with their groups.
 */
import crypto from 'node:crypto';
import { and, eq, lt, sql } from 'drizzle-orm';
import * as client from 'openid-client';
import type { Db } from '../../db/client.ts';
import { userRoles, users } from '../../../org/schema.ts';
import { isRole, type Role } from '../roles.ts';
import { createSession, hashToken } from '../sessions.ts';
import { groupsFromClaim, isLoopback, providerManagedRoles, reconcileRoles, rolesFromGroups, type OidcSettings, type RoleChanges } from './settings.ts';
import { oidcIdentities, oidcSignInAttempts } from './schema.ts';

/** Time to sign in at the provider (which may ask for a password and a second step). */
export const ATTEMPT_TTL_MS = 10 * 60 * 1000;

/**
 * The provider's metadata, fetched at the first sign-in rather than at start-up, so Sightline
 * starts (and local accounts work) while the provider is unreachable; a failed fetch is tried
 * again at the next sign-in.
 */
export interface OidcProvider {
  settings: OidcSettings;
  configuration(): Promise<client.Configuration>;
}

export function oidcProvider(settings: OidcSettings): OidcProvider {
  let discovered: Promise<client.Configuration> | undefined;
  return {
    settings,
    configuration() {
      discovered ??= client
        .discovery(
          settings.issuer,
          settings.clientId,
          settings.clientSecret,
          undefined,
          // Plain HTTP only to a provider on this machine: configuration refuses any other.
          settings.issuer.protocol === 'http:' && isLoopback(settings.issuer.hostname) ? { execute: [client.allowInsecureRequests] } : undefined,
        )
        .catch((error: unknown) => {
          discovered = undefined;
          throw error;
        });
      return discovered;
    },
  };
}

export class ProviderUnavailableError extends Error {}

async function configurationOf(provider: OidcProvider): Promise<client.Configuration> {
  try {
    return await provider.configuration();
  } catch (error) {
    throw new ProviderUnavailableError('The identity provider could not be reached', { cause: error });
  }
}

/** The address to send the browser to, and the token for the cookie that binds the attempt to it. */
export async function startSsoSignIn(db: Db, provider: OidcProvider, returnTo: string | undefined, now = new Date()): Promise<{ url: URL; attemptToken: string }> {
  const configuration = await configurationOf(provider);
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(configuration, {
    redirect_uri: provider.settings.redirectUrl.href,
    scope: 'openid email profile',
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  const attemptToken = crypto.randomBytes(32).toString('base64url');
  await db.delete(oidcSignInAttempts).where(lt(oidcSignInAttempts.createdAt, new Date(now.getTime() - ATTEMPT_TTL_MS)));
  await db.insert(oidcSignInAttempts).values({ idHash: hashToken(attemptToken), state, nonce, codeVerifier, returnTo: returnTo ?? null, createdAt: now });
  return { url, attemptToken };
}

export type SsoRefusal =
  /** No attempt for this browser, or it timed out, or it was already used. */
  | 'expired'
  /** The provider said no (the person cancelled, or the provider refused them). */
  | 'provider-refused'
  /** The response failed a protocol check: state, PKCE, nonce, signature, issuer, audience. */
  | 'invalid-response'
  | 'no-email'
  | 'unknown-user'
  /** The account is already linked to a different identity at this provider. */
  | 'identity-mismatch'
  | 'disabled'
  | 'no-role';

export type SsoResult =
  | { ok: true; userId: string; token: string; returnTo: string | undefined; roleChanges: RoleChanges }
  | { ok: false; reason: SsoRefusal; userId?: string };

export async function finishSsoSignIn(
  db: Db,
  provider: OidcProvider,
  input: { attemptToken: string | undefined; query: URLSearchParams },
  now = new Date(),
): Promise<SsoResult> {
  if (!input.attemptToken) return { ok: false, reason: 'expired' };
  // Deleting is the read: an attempt is used once, even by two racing requests.
  const [attempt] = await db.delete(oidcSignInAttempts).where(eq(oidcSignInAttempts.idHash, hashToken(input.attemptToken))).returning();
  if (!attempt || now.getTime() - attempt.createdAt.getTime() > ATTEMPT_TTL_MS) return { ok: false, reason: 'expired' };
  if (input.query.has('error')) return { ok: false, reason: 'provider-refused' };

  const configuration = await configurationOf(provider);
  const callbackUrl = new URL(provider.settings.redirectUrl);
  callbackUrl.search = input.query.toString();
  let claims: client.IDToken;
  try {
    const tokens = await client.authorizationCodeGrant(configuration, callbackUrl, {
      pkceCodeVerifier: attempt.codeVerifier,
      expectedState: attempt.state,
      expectedNonce: attempt.nonce,
      idTokenExpected: true,
    });
    claims = tokens.claims()!;
  } catch (error) {
    // fetch reports an unreachable provider as a TypeError; everything else is a failed check.
    if (error instanceof TypeError) throw new ProviderUnavailableError('The identity provider could not be reached', { cause: error });
    if (isProtocolRefusal(error)) return { ok: false, reason: 'invalid-response' };
    throw error;
  }

  const issuer = configuration.serverMetadata().issuer;
  const email = typeof claims['email'] === 'string' && claims['email_verified'] !== false ? claims['email'].trim().toLowerCase() : undefined;
  const user = await findUser(db, issuer, claims.sub, email);
  if (!user) return { ok: false, reason: email ? 'unknown-user' : 'no-email' };
  if (user.linkedSubject !== undefined && user.linkedSubject !== claims.sub) return { ok: false, reason: 'identity-mismatch', userId: user.id };
  if (user.disabled) return { ok: false, reason: 'disabled', userId: user.id };

  const groups = groupsFromClaim(claims[provider.settings.groupsClaim]);
  const roleChanges = await db.transaction(async (tx) => {
    if (user.linkedSubject === undefined) await tx.insert(oidcIdentities).values({ userId: user.id, issuer, subject: claims.sub, linkedAt: now });
    return applyRoles(tx, user.id, rolesFromGroups(groups, provider.settings.roleMap), providerManagedRoles(provider.settings.roleMap), now);
  });
  // Roles taken away are taken away even when that leaves the person with none.
  if (roleChanges.after.length === 0) return { ok: false, reason: 'no-role', userId: user.id };
  return { ok: true, userId: user.id, token: await createSession(db, user.id, now), returnTo: attempt.returnTo ?? undefined, roleChanges };
}

function isProtocolRefusal(error: unknown): boolean {
  return (
    error instanceof client.ClientError ||
    error instanceof client.AuthorizationResponseError ||
    error instanceof client.ResponseBodyError ||
    error instanceof client.WWWAuthenticateChallengeError
  );
}

interface MatchedUser {
  id: string;
  disabled: boolean;
  /** The subject already linked for this issuer; undefined when none is. */
  linkedSubject: string | undefined;
}

/** By the linked identity first; by e-mail only for an account not yet linked at this issuer. */
async function findUser(db: Db, issuer: string, subject: string, email: string | undefined): Promise<MatchedUser | undefined> {
  const [linked] = await db
    .select({ id: users.id, disabledAt: users.disabledAt })
    .from(oidcIdentities)
    .innerJoin(users, eq(users.id, oidcIdentities.userId))
    .where(and(eq(oidcIdentities.issuer, issuer), eq(oidcIdentities.subject, subject)));
  if (linked) return { id: linked.id, disabled: linked.disabledAt !== null, linkedSubject: subject };
  if (!email) return undefined;
  const [byEmail] = await db
    .select({ id: users.id, disabledAt: users.disabledAt, issuer: oidcIdentities.issuer, subject: oidcIdentities.subject })
    .from(users)
    .leftJoin(oidcIdentities, eq(oidcIdentities.userId, users.id))
    .where(eq(sql`lower(${users.email})`, email));
  if (!byEmail) return undefined;
  // Linked to another identity (here or at another issuer): the e-mail alone does not override it.
  const linkedSubject = byEmail.subject === null ? undefined : byEmail.issuer === issuer ? byEmail.subject : `${byEmail.issuer} ${byEmail.subject}`;
  return { id: byEmail.id, disabled: byEmail.disabledAt !== null, linkedSubject };
}

async function applyRoles(db: Db, userId: string, fromGroups: Set<Role>, managed: Set<Role>, now: Date): Promise<RoleChanges> {
  const current = (await db.select({ role: userRoles.role }).from(userRoles).where(and(eq(userRoles.userId, userId), eq(userRoles.active, true))))
    .map((r) => r.role)
    .filter(isRole);
  const changes = reconcileRoles(current, fromGroups, managed);
  for (const role of changes.grant) {
    // grantedBy stays empty: the provider granted it, not a person in Sightline.
    await db
      .insert(userRoles)
      .values({ userId, role, grantedAt: now, grantedBy: null, active: true })
      .onConflictDoUpdate({ target: [userRoles.userId, userRoles.role], set: { active: true, grantedAt: now, grantedBy: null } });
  }
  for (const role of changes.revoke) {
    await db.update(userRoles).set({ active: false }).where(and(eq(userRoles.userId, userId), eq(userRoles.role, role)));
  }
  return changes;
}
