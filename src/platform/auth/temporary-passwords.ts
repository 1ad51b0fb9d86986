/**
 * Passwords an administrator sets (a new account, or a reset for someone who forgot theirs):
 * the person must replace them at their first sign-in (ASVS V6.4.1), and they stop working if
 * nobody does within the time allowed, so one written down and forgotten is not a way in (V6.4.3).
 */
import crypto from 'node:crypto';

/** Three days: long enough to reach someone on leave over a weekend, short enough to limit exposure. */
export const TEMPORARY_PASSWORD_TTL_MS = 72 * 60 * 60 * 1000;

export function temporaryPasswordExpiry(now: Date): Date {
  return new Date(now.getTime() + TEMPORARY_PASSWORD_TTL_MS);
}

export function temporaryPasswordExpired(expiresAt: Date | null, now: Date): boolean {
  return expiresAt !== null && now.getTime() >= expiresAt.getTime();
}

/** No 0/O, 1/l/I: the administrator reads it out or copies it by hand. */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const GROUPS = 4;
const GROUP_LENGTH = 5;

/** 20 random characters from 55 (about 115 bits), in groups of five for reading: "aB3kq-…". */
export function generateTemporaryPassword(): string {
  return Array.from({ length: GROUPS }, () => Array.from({ length: GROUP_LENGTH }, () => ALPHABET[crypto.randomInt(ALPHABET.length)]).join('')).join('-');
}
