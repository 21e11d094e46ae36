/** ARM_MASTER_KEY: 32 bytes as 64 hex characters or base64. */
export function parseMasterKey(value: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  if (key.length !== 32) throw new Error('ARM_MASTER_KEY must be 32 bytes, as 64 hex characters or base64 (openssl rand -hex 32)');
  return key;
}
