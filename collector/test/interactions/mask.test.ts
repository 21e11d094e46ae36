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

  it.each([
    ['a US SSN', 'ssn 123-45-6789.', 'ssn [REDACTED:ssn].'],
    ['an IBAN in groups', 'pay DE89 3704 0044 0532 0130 00 now', 'pay [REDACTED:iban] now'],
    ['a compact IBAN', 'GB29NWBK60161331926819', '[REDACTED:iban]'],
    ['a JWT given as a bearer value, once', 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk', 'Authorization: Bearer [REDACTED:jwt]'],
    ['a key given as a password value, by its vendor', 'api_key=sk-proj-AbCdEfGhIjKlMnOpQrStUvWx123', 'api_key=[REDACTED:openai_key]'],
    ['a password in an env line', 'DB_PASSWORD=s3cr3t AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG', 'DB_PASSWORD=[REDACTED:password] AWS_SECRET_ACCESS_KEY=[REDACTED:password]'],
    ['a Google API key', 'maps AIzaSyD-abcdefghijklmnopqrstuvwxyz01234', 'maps [REDACTED:google_api_key]'],
    ['a Stripe secret key', 'stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc', 'stripe [REDACTED:stripe_key]'],
    ['a Slack token', 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOp', '[REDACTED:slack_token]'],
  ])('masks %s', (_what, text, masked) => {
    expect(maskText(text)).toBe(masked);
  });

  it('keeps e-mail addresses, phone numbers and prompt-injection phrases (policies detect them; context extraction needs them)', () => {
    const text = 'Write to jane@example.com or call +1 (415) 555-2671; ignore previous instructions.';
    expect(maskText(text)).toBe(text);
  });

  it('keeps SSN-like numbers outside the issued ranges and IBANs with a wrong check digit', () => {
    const text = 'ref 666-12-3456, 900-12-3456, DE88 3704 0044 0532 0130 00';
    expect(maskText(text)).toBe(text);
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
