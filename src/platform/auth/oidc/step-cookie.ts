/**
 * Short-lived cookies for the steps between "who are you?" and a session: the code step after a
 * password, and the trip to the identity provider and back. Each holds a random token whose
 * SHA-256 keys a row, like the session cookie, with the same flags and prefix.
 */
import type { Request, Response } from 'express';
import { parse, serialize } from 'cookie';
import type { CookieNames } from '../../http/session.ts';

export interface StepCookie {
  read(req: Request): string | undefined;
  set(res: Response, token: string): void;
  clear(res: Response): void;
}

export function stepCookie(names: CookieNames, step: 'second-factor' | 'sso', maxAgeSeconds: number): StepCookie {
  const name = `${names.session}-${step}`;
  const write = (res: Response, value: string, maxAge: number) =>
    res.append('Set-Cookie', serialize(name, value, { httpOnly: true, secure: names.secure, sameSite: 'lax', path: '/', maxAge }));
  return {
    read: (req) => {
      const value = parse(req.get('cookie') ?? '')[name];
      return value && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : undefined;
    },
    set: (res, token) => write(res, token, maxAgeSeconds),
    clear: (res) => write(res, '', 0),
  };
}
