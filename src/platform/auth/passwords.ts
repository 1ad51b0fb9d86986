/** argon2id password hashing with OWASP's recommended minimum cost (19 MiB, 2 passes). */
import { hash, verify } from '@node-rs/argon2';

// 2 is Algorithm.Argon2id (a const enum, which isolated-module builds cannot import).
const OPTIONS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 12;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

// Verifying against this when no account matches keeps a wrong e-mail as slow as a wrong password,
// so response times do not reveal which addresses have accounts.
const decoy = hash('decoy-password-for-timing', OPTIONS);

export async function verifyPassword(passwordHash: string | null | undefined, password: string): Promise<boolean> {
  try {
    if (!passwordHash) {
      await verify(await decoy, password);
      return false;
    }
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}
