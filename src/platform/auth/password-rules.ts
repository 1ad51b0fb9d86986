/**
 * What makes a password acceptable (ASVS 5.0 V6.2), for a person changing their own and for an
 * administrator setting a first one. Length and guessability only: no composition rules (a
 * capital, a digit, a symbol), which make passwords harder to remember and no harder to guess.
 *
 * Guessability is judged locally, with no network call: against the 49,233 common passwords that
 * zxcvbn-ts gathered from published breaches (`@zxcvbn-ts/language-common`), taken whole and
 * with the digits and symbols people pad them with removed ("Password2026!" is "password"), and
 * against the words of the person's context: their name, their e-mail address, Sightline and the
 * council's name (V6.1.2, V6.2.11).
 */
import { dictionary } from '@zxcvbn-ts/language-common';
import { MIN_PASSWORD_LENGTH } from './passwords.ts';

/** Long passphrases are welcome (V6.2.9 asks for at least 64); this only bounds the hashing work. */
export const MAX_PASSWORD_LENGTH = 200;

/** Once a password is this long after its context words are taken out, they are not what it rests on. */
const MIN_LENGTH_WITHOUT_CONTEXT = 8;

let common: Set<string> | undefined;
const commonPasswords = () => (common ??= new Set(dictionary.passwords.map((p) => p.toLowerCase())));

/** The forms people make from a common password: "P@ssword", "password2026!", "pass word". */
function guessableForms(password: string): string[] {
  const lower = password.toLowerCase();
  const squeezed = lower.replace(/\s+/g, '');
  const core = squeezed.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
  return [lower, squeezed, core].filter((form) => form.length >= 4);
}

/** "abcabcabcabc", "iloveyou iloveyou": a short run, or a common password, said again. */
function isRepetition(password: string, list: ReadonlySet<string>): boolean {
  const unit = /^(.+?)\1+$/su.exec(password.toLowerCase().replace(/\s+/g, ''))?.[1];
  return unit !== undefined && ([...unit].length <= 4 || guessableForms(unit).some((form) => list.has(form)));
}

/** Words worth taking out: an e-mail address gives its local part and domain words. */
export function contextWords(values: ReadonlyArray<string | null | undefined>): string[] {
  const words = values
    .flatMap((v) => (v ?? '').toLowerCase().split(/[\s@.,'’_-]+/))
    .filter((w) => w.length >= 4);
  return [...new Set(['sightline', ...words])];
}

/**
 * The problem with a new password, in words for the person choosing it, or undefined when it is
 * acceptable. `context` comes from `contextWords`. Length is counted in characters as typed.
 */
export function passwordProblem(password: string, context: readonly string[] = contextWords([])): string | undefined {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return `Enter a password of at least ${MIN_PASSWORD_LENGTH} characters`;
  if (length > MAX_PASSWORD_LENGTH) return `The password must be ${MAX_PASSWORD_LENGTH} characters or fewer`;
  const list = commonPasswords();
  if (isRepetition(password, list) || guessableForms(password).some((form) => list.has(form))) {
    return 'Choose a password that is harder to guess: this one is too common';
  }
  let rest = password.toLowerCase();
  for (const word of context) rest = rest.split(word).join('');
  if ([...rest.replace(/[^\p{L}\p{N}]/gu, '')].length < MIN_LENGTH_WITHOUT_CONTEXT) {
    return 'Choose a password that does not rest on your name, your email address, Sightline or your council’s name';
  }
  return undefined;
}
