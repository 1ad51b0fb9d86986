/**
 * Time-based one-time passwords (RFC 6238) as authenticator apps make them: SHA-1, six digits,
 * 30-second steps, which every common app supports. Recovery codes for when the phone is lost.
 */
import crypto from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

const ISSUER = 'Sightline';
const PERIOD_SECONDS = 30;
/** One step either side: phones' clocks drift, and people type slowly. */
const WINDOW = 1;
export const RECOVERY_CODE_COUNT = 10;

/** 160 random bits, base32, as RFC 4226 recommends for HMAC-SHA-1. */
export function newSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totp(secretBase32: string, accountName: string): TOTP {
  return new TOTP({ issuer: ISSUER, label: accountName, algorithm: 'SHA1', digits: 6, period: PERIOD_SECONDS, secret: Secret.fromBase32(secretBase32) });
}

/** What the QR code holds: apps read the secret, the issuer and the account's name from it. */
export function otpauthUri(secretBase32: string, accountName: string): string {
  return totp(secretBase32, accountName).toString();
}

/** The key in groups of four, for typing into an app by hand. */
export function keyForReading(secretBase32: string): string {
  return secretBase32.replace(/(.{4})/g, '$1 ').trim();
}

export function looksLikeTotpCode(input: string): boolean {
  return /^\d{6}$/.test(input.replace(/\s/g, ''));
}

/**
 * The 30-second step the code belongs to, when it is right for a step near `at`; undefined
 * when it is wrong. Callers refuse a step not later than the last one accepted, so a code seen
 * over someone's shoulder cannot be used again.
 */
export function matchingStep(secretBase32: string, code: string, at: Date): number | undefined {
  const token = code.replace(/\s/g, '');
  if (!/^\d{6}$/.test(token)) return undefined;
  const delta = TOTP.validate({ token, secret: Secret.fromBase32(secretBase32), algorithm: 'SHA1', digits: 6, period: PERIOD_SECONDS, timestamp: at.getTime(), window: WINDOW });
  if (delta === null) return undefined;
  return TOTP.counter({ period: PERIOD_SECONDS, timestamp: at.getTime() }) + delta;
}

// No 0/o, 1/l/i: codes are read off paper.
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** Ten codes of ten characters (about 49 bits each), shown once, stored only as hashes. */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const chars = Array.from({ length: 10 }, () => RECOVERY_ALPHABET[crypto.randomInt(RECOVERY_ALPHABET.length)]!).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

/** As typed: any case, with or without the hyphen or spaces. */
export function normaliseRecoveryCode(input: string): string {
  return input.toLowerCase().replace(/[\s-]/g, '');
}

export function hashRecoveryCode(code: string): string {
  return crypto.createHash('sha256').update(normaliseRecoveryCode(code)).digest('hex');
}
