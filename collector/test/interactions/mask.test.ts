import { luhnValid, maskText, maskValue } from '../../src/interactions/mask';

describe('content masking before storage', () => {
  it.each([
    ['an OpenAI key', 'use sk-proj-AbCdEfGhIjKlMnOpQrStUvWx123 now', 'use [REDACTED:openai_key] now'],
    ['an Anthropic key', 'key=sk-ant-api03-AbCdEfGhIjKlMnOpQrSt_uv-w', 'key=[REDACTED:anthropic_key]'],
    ['an AI-ARM key', 'Authorization arm_sk_live_abcdefghijklmnopqrstuvwxyz012345', 'Authorization [REDACTED:arm_key]'],
    ['an AWS access key id', 'aws AKIAIOSFODNN7EXAMPLE here', 'aws [REDACTED:aws_key] here'],
    ['a GitHub token', 'token ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'token [REDACTED:github_token]'],
    ['a GitHub fine-grained token', 'github_pat_11ABCDEFG0123456789_abcdefghijklmnop', '[REDACTED:github_token]'],
    ['a bearer token', 'Authorization: Bearer abc.def-ghi_jkl~mno', 'Authorization: Bearer [REDACTED:bearer]'],
    ['a JWT', 'jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk end', 'jwt [REDACTED:jwt] end'],
    ['a private key block', 'pem -----BEGIN RSA PRIVATE KEY-----\nMIIEow\nIBAAK\n-----END RSA PRIVATE KEY----- done', 'pem [REDACTED:private_key] done'],
    ['an unlabelled private key block', '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----', '[REDACTED:private_key]'],
    ['a password pair', 'login with password=hunter2 please', 'login with password=[REDACTED:password] please'],
    ['a quoted password pair', 'pwd: "correct horse"', 'pwd: [REDACTED:password]'],
    ['an api_key pair', 'api_key=12345abc&x=1', 'api_key=[REDACTED:password]&x=1'],
    ['a card number with spaces', 'card 4111 1111 1111 1111 ok', 'card [REDACTED:card] ok'],
    ['a card number with dashes', 'card 5500-0000-0000-0004.', 'card [REDACTED:card].'],
    ['a bare 15-digit Amex number', 'amex 378282246310005', 'amex [REDACTED:card]'],
  ])('masks %s', (_what, text, masked) => {
    expect(maskText(text)).toBe(masked);
  });

  it('keeps digit runs that are not Luhn-valid, and short numbers', () => {
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(maskText('order 4111 1111 1111 1112 and phone 555-0100, id 1234567890123')).toBe('order 4111 1111 1111 1112 and phone 555-0100, id 1234567890123');
  });

  it('keeps text with nothing to mask unchanged', () => {
    const text = 'Summarise the ticket: the printer on floor 3 jams since 2024-05-01.';
    expect(maskText(text)).toBe(text);
  });

  it('masks every string of structured content and values under secret-named keys, keeping the JSON valid', () => {
    const masked = maskValue([{ role: 'user', parts: [{ type: 'text', content: 'my key is sk-abcdefghijklmnopqrstuvwx and pass="x\\"y"' }] }, { password: 'hunter2', count: 3 }]);
    expect(masked).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'my key is [REDACTED:openai_key] and pass="x\\"y"' }] }, { password: '[REDACTED:password]', count: 3 }]);
    expect(JSON.parse(JSON.stringify(masked))).toEqual(masked);
  });
});
