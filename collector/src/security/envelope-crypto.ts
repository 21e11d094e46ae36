import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SqlExecutor } from '../stores/postgres/types';
import { asTenant } from '../stores/tenant-scope';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** AES-256-GCM: iv (12) | tag (16) | ciphertext, with associated data bound in. */
export function seal(key: Buffer, plaintext: Buffer, aad: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

export function open(key: Buffer, sealed: Buffer, aad: string): Buffer {
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new Error('sealed value is too short');
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
}

/**
 * Envelope encryption of vendor credentials: each organisation has its own data key,
 * stored wrapped by the master key from the environment. A secret is sealed under its
 * organisation's data key with the owning row named in the associated data, so a
 * ciphertext copied to another row or organisation does not open.
 */
export class CredentialVault {
  private readonly dataKeys = new Map<string, Buffer>();

  constructor(
    private readonly db: SqlExecutor,
    private readonly masterKey: Buffer,
  ) {}

  async seal(organizationId: string, rowId: string, secret: object): Promise<Buffer> {
    return seal(await this.dataKey(organizationId), Buffer.from(JSON.stringify(secret)), `${organizationId}:${rowId}`);
  }

  async open<T>(organizationId: string, rowId: string, sealed: Buffer): Promise<T> {
    return JSON.parse(open(await this.dataKey(organizationId), sealed, `${organizationId}:${rowId}`).toString()) as T;
  }

  private async dataKey(organizationId: string): Promise<Buffer> {
    const known = this.dataKeys.get(organizationId);
    if (known) return known;
    const fresh = randomBytes(32);
    // First writer wins; everyone then reads the stored one. Whoever asks, the key is that organisation's.
    const [row] = await asTenant(organizationId, async () => {
      await this.db.query('INSERT INTO organization_keys (organization_id, wrapped_key) VALUES ($1, $2) ON CONFLICT (organization_id) DO NOTHING', [organizationId, seal(this.masterKey, fresh, `org-key:${organizationId}`)]);
      return this.db.query<{ wrapped_key: Uint8Array }>('SELECT wrapped_key FROM organization_keys WHERE organization_id = $1', [organizationId]);
    });
    const key = open(this.masterKey, Buffer.from(row!.wrapped_key), `org-key:${organizationId}`);
    this.dataKeys.set(organizationId, key);
    return key;
  }
}
