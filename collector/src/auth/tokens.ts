import { createHash, randomBytes } from 'node:crypto';
import { API_KEY_PREFIX } from '../config/api-key-format';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Random base62 text; 40 characters carry 238 bits. */
export function randomToken(length = 40): string {
  // Rejection sampling keeps every character equally likely (256 is not a multiple of 62).
  let out = '';
  while (out.length < length) for (const b of randomBytes(length * 2)) if (b < 248 && out.length < length) out += ALPHABET[b % 62];
  return out;
}

/**
 * Keys and session tokens carry enough entropy that a fast hash is safe to store: nobody
 * can guess their way back from it. Passwords are different (see passwords.ts).
 */
export const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

/** A key as it is stored: the hash, and a prefix enough to recognise it by. */
export const apiKeyParts = (key: string): { key: string; prefix: string; hash: string } => ({ key, prefix: `${key.slice(0, API_KEY_PREFIX.length + 4)}...`, hash: tokenHash(key) });

export const newApiKey = () => apiKeyParts(`${API_KEY_PREFIX}${randomToken()}`);
