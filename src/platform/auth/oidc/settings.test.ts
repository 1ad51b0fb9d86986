import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Role } from '../roles.ts';
import { groupsFromClaim, isAcceptableIssuer, parseRoleMap, providerManagedRoles, reconcileRoles, RoleMapError, rolesFromGroups, safeReturnPath } from './settings.ts';

describe('the group-to-role map', () => {
  it('reads group=role pairs, a group may grant several roles, and ids are kept as written', () => {
    const map = parseRoleMap(' sg-sightline-admins=admin, 6f1c0e2a-0000-4000-8000-000000000001=qa-officer,sg-admins=admin ,6f1c0e2a-0000-4000-8000-000000000001=moderator,');
    expect([...map]).toEqual([
      ['sg-sightline-admins', ['admin']],
      ['6f1c0e2a-0000-4000-8000-000000000001', ['qa-officer', 'moderator']],
      ['sg-admins', ['admin']],
    ]);
    expect(parseRoleMap(undefined).size).toBe(0);
    expect(parseRoleMap('  ').size).toBe(0);
  });

  it('refuses an entry without a group or with a role Sightline does not have', () => {
    expect(() => parseRoleMap('sg-qa')).toThrow(RoleMapError);
    expect(() => parseRoleMap('=admin')).toThrow(RoleMapError);
    expect(() => parseRoleMap('sg-qa=superuser')).toThrow(/not a Sightline role/);
  });

  it('gives the roles the groups map to, and ignores groups it does not know', () => {
    const map = parseRoleMap('a=admin,b=qa-officer,b=moderator');
    expect([...rolesFromGroups(['b', 'zz'], map)].sort()).toEqual(['moderator', 'qa-officer']);
    expect(rolesFromGroups(['zz'], map).size).toBe(0);
  });

  it('reads the groups claim as a list, or a single value', () => {
    expect(groupsFromClaim(['a', 'b', 3])).toEqual(['a', 'b']);
    expect(groupsFromClaim('a')).toEqual(['a']);
    expect(groupsFromClaim(undefined)).toEqual([]);
  });
});

describe('bringing roles into line with groups', () => {
  const roles = fc.subarray<Role>(['practitioner', 'practice-manager', 'group-manager', 'moderator', 'qa-officer', 'senior-leader', 'iro', 'partner', 'admin']);

  it('afterwards holds exactly the group roles among the managed ones, and keeps every unmanaged role held', () => {
    fc.assert(
      fc.property(roles, roles, roles, (current, fromGroupsList, managedList) => {
        const managed = new Set([...managedList, ...fromGroupsList]);
        const fromGroups = new Set(fromGroupsList);
        const { grant, revoke, after } = reconcileRoles(current, fromGroups, managed);
        for (const role of managed) expect(after.includes(role)).toBe(fromGroups.has(role));
        for (const role of current) if (!managed.has(role)) expect(after).toContain(role);
        expect(new Set(after).size).toBe(after.length);
        // Changes are only what differs.
        expect(grant.every((r) => !current.includes(r))).toBe(true);
        expect(revoke.every((r) => current.includes(r))).toBe(true);
      }),
    );
  });

  it('treats the roles the map names as the provider\'s', () => {
    expect([...providerManagedRoles(parseRoleMap('a=admin,b=qa-officer,c=admin'))].sort()).toEqual(['admin', 'qa-officer']);
  });
});

describe('the issuer address', () => {
  it('must be https, except on this machine', () => {
    expect(isAcceptableIssuer(new URL('https://login.microsoftonline.com/tenant/v2.0'))).toBe(true);
    expect(isAcceptableIssuer(new URL('http://127.0.0.1:4000'))).toBe(true);
    expect(isAcceptableIssuer(new URL('http://localhost:4000'))).toBe(true);
    expect(isAcceptableIssuer(new URL('http://idp.council.example'))).toBe(false);
    expect(isAcceptableIssuer(new URL('http://127.0.0.1.nip.io'))).toBe(false);
  });
});

describe('the page to return to after signing in', () => {
  it('keeps a path on this site, without its query', () => {
    expect(safeReturnPath('/audits/123')).toBe('/audits/123');
    expect(safeReturnPath('/cases?name=someone')).toBe('/cases');
  });

  it('refuses anything a browser could take to another site, and the sign-in pages themselves', () => {
    for (const hostile of ['//evil.example', '///evil.example', '/\\evil.example', 'https://evil.example', 'evil.example', 'javascript:alert(1)', '/\tevil', ' /x', '/.//evil.example', '/a/..//evil.example', '', '/sign-in', '/sign-in/sso']) {
      expect(safeReturnPath(hostile), hostile).toBeUndefined();
    }
    expect(safeReturnPath(['/a', '/b'])).toBeUndefined();
  });

  // The pieces browsers and URL parsers treat specially, in any order.
  const pathPieces = fc
    .array(fc.constantFrom('/', '//', '/.', '/..', '.', '..', '\\', '%2F', '%2E', '%5C', 'evil.example', ':', '@', '?', '#', '\t'), { minLength: 1, maxLength: 8 })
    .map((p) => `/${p.join('')}`);

  it('never gives a value that resolves to another origin, whatever it is given', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.webUrl(), fc.webPath(), fc.string().map((s) => `/${s}`), fc.string().map((s) => `//${s}`), { arbitrary: pathPieces, weight: 5 }), (input) => {
        const result = safeReturnPath(input);
        if (result === undefined) return;
        expect(result.startsWith('/')).toBe(true);
        expect(result.startsWith('//')).toBe(false);
        expect(new URL(result, 'https://sightline.test').origin).toBe('https://sightline.test');
      }),
      { numRuns: 2000 },
    );
  });
});
