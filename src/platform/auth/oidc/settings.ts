/**
 * How Sightline trusts the council's identity provider, and the rule that turns the provider's
 * groups into Sightline roles. Pure: configuration is parsed here and the role rule is decided
 * here; the database work is in service.ts.
 */
import { isRole, type Role } from '../roles.ts';

export interface OidcSettings {
  issuer: URL;
  clientId: string;
  clientSecret: string;
  /** Where the provider sends people back: must be registered with the provider exactly. */
  redirectUrl: URL;
  /** The ID-token claim that lists the person's groups (Entra ID: `groups`, as object ids). */
  groupsClaim: string;
  /** Provider group → the Sightline roles its members hold. */
  roleMap: ReadonlyMap<string, readonly Role[]>;
}

export interface IdentitySettings {
  /** E-mail and password sign-in (with optional TOTP); can be turned off once SSO is in use. */
  localAccounts: boolean;
  oidc?: OidcSettings | undefined;
  /** Key for TOTP secrets at rest; unset means one generated and kept in the database. */
  totpEncryptionKey?: string | undefined;
}

export const LOCAL_ONLY: IdentitySettings = { localAccounts: true };

export class RoleMapError extends Error {}

/**
 * `group=role,group=role`: a group may appear more than once to grant several roles. Group ids
 * are kept exactly as written (Entra ID sends object ids; other providers send names).
 */
export function parseRoleMap(text: string | undefined): Map<string, Role[]> {
  const map = new Map<string, Role[]>();
  if (!text?.trim()) return map;
  for (const entry of text.split(',')) {
    const trimmed = entry.trim();
    if (!trimmed) continue;
    const eq = trimmed.lastIndexOf('=');
    const group = trimmed.slice(0, eq).trim();
    const role = trimmed.slice(eq + 1).trim();
    if (eq <= 0 || !group || !role) throw new RoleMapError(`"${trimmed}" is not group=role`);
    if (!isRole(role)) throw new RoleMapError(`"${role}" is not a Sightline role`);
    const roles = map.get(group) ?? [];
    if (!roles.includes(role)) roles.push(role);
    map.set(group, roles);
  }
  return map;
}

/** The roles the map names at all: these are the provider's to give and take away. */
export function providerManagedRoles(roleMap: ReadonlyMap<string, readonly Role[]>): Set<Role> {
  return new Set([...roleMap.values()].flat());
}

/** The roles a person's groups give them. */
export function rolesFromGroups(groups: readonly string[], roleMap: ReadonlyMap<string, readonly Role[]>): Set<Role> {
  return new Set(groups.flatMap((g) => roleMap.get(g) ?? []));
}

export interface RoleChanges {
  grant: Role[];
  revoke: Role[];
  /** What the person holds once the changes are made. */
  after: Role[];
}

/**
 * The provider decides the roles its map names; Sightline decides the rest. So a person removed
 * from a group loses that role at their next sign-in, while a role an administrator granted in
 * Sightline that no group maps to (an IRO role, say) is left alone.
 */
export function reconcileRoles(current: readonly Role[], fromGroups: ReadonlySet<Role>, managed: ReadonlySet<Role>): RoleChanges {
  const grant = [...fromGroups].filter((r) => !current.includes(r));
  const revoke = current.filter((r) => managed.has(r) && !fromGroups.has(r));
  const after = [...current.filter((r) => !revoke.includes(r)), ...grant];
  return { grant, revoke, after };
}

/** A claim that should be a list of group ids, as providers send it (a list, or one string). */
export function groupsFromClaim(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  if (typeof value === 'string') return [value];
  return [];
}

/**
 * An issuer over plain HTTP is accepted only on this machine (the tests' provider): tokens
 * and client secrets must never cross a network unencrypted.
 */
export function isAcceptableIssuer(url: URL): boolean {
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && isLoopback(url.hostname);
}

export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/**
 * The page to return to after signing in: a path on this site, or nothing. Anything that a
 * browser could read as another site (`//host`, `/\host`, a scheme, control characters) is
 * refused, so the sign-in pages can never be used as an open redirect.
 */
export function safeReturnPath(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > 500) return undefined;
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return undefined;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return undefined;
  // Resolving against a stand-in origin must leave the origin unchanged.
  const base = 'https://sightline.invalid';
  let resolved: URL;
  try {
    resolved = new URL(value, base);
  } catch {
    return undefined;
  }
  if (resolved.origin !== base) return undefined;
  // Dot segments can resolve to a path a browser reads as another host: "/.//evil" → "//evil".
  if (resolved.pathname.startsWith('//')) return undefined;
  // The sign-in pages themselves are never a destination: that would loop.
  if (resolved.pathname === '/sign-in' || resolved.pathname.startsWith('/sign-in/')) return undefined;
  // Only the path: a query string could hold what someone searched for (a child's name), and
  // this value travels through the identity provider and is kept while the person signs in.
  return resolved.pathname;
}
