/** The identity settings as the operator writes them in the environment. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../config.ts';

const SSO = {
  OIDC_ISSUER: 'https://login.microsoftonline.com/00000000-0000-4000-8000-000000000000/v2.0',
  OIDC_CLIENT_ID: 'sightline',
  OIDC_CLIENT_SECRET: 'a client secret',
};

const problem = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('the configuration was accepted');
};

describe('identity configuration', () => {
  it('is local accounts only by default', () => {
    expect(loadConfig({}).identity).toEqual({ localAccounts: true, totpEncryptionKey: undefined, oidc: undefined });
  });

  it('turns single sign-on on with the issuer and client, returning to PUBLIC_URL by default', () => {
    const { identity } = loadConfig({ ...SSO, PUBLIC_URL: 'https://sightline.northbridge.example', OIDC_ROLE_MAP: 'sg-admins=admin,sg-qa=qa-officer,sg-qa=moderator', LOCAL_ACCOUNTS: 'false' });
    expect(identity.localAccounts).toBe(false);
    expect(identity.oidc?.issuer.href).toBe(SSO.OIDC_ISSUER);
    expect(identity.oidc?.redirectUrl.href).toBe('https://sightline.northbridge.example/sign-in/sso/callback');
    expect(identity.oidc?.groupsClaim).toBe('groups');
    expect([...identity.oidc!.roleMap]).toEqual([
      ['sg-admins', ['admin']],
      ['sg-qa', ['qa-officer', 'moderator']],
    ]);
  });

  it('refuses half a provider, a plain-http provider elsewhere, and an unknown role', () => {
    expect(problem({ OIDC_ISSUER: SSO.OIDC_ISSUER })).toMatch(/set together/);
    expect(problem({ ...SSO, OIDC_ISSUER: 'http://idp.northbridge.example' })).toMatch(/must be an https/);
    expect(problem({ ...SSO, OIDC_ROLE_MAP: 'sg-qa=auditor' })).toMatch(/OIDC_ROLE_MAP: "auditor" is not a Sightline role/);
  });

  it('refuses to turn local accounts off when nobody could then sign in', () => {
    expect(problem({ LOCAL_ACCOUNTS: 'false' })).toMatch(/LOCAL_ACCOUNTS=false needs single sign-on/);
  });

  it('takes a TOTP key of at least 32 characters', () => {
    expect(problem({ TOTP_ENCRYPTION_KEY: 'too short' })).toMatch(/TOTP_ENCRYPTION_KEY must be at least 32 characters/);
    expect(loadConfig({ TOTP_ENCRYPTION_KEY: 'k'.repeat(32) }).identity.totpEncryptionKey).toBe('k'.repeat(32));
  });
});
