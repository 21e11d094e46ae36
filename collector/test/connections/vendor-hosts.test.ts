import { ConfigError, loadConfig } from '../../src/config/env';
import { parseVendorHosts } from '../../src/config/vendor-hosts';
import { baseUrlRefusal, hostPermitted } from '../../src/connections/vendor-hosts';
import { SUPPORTED_VENDORS } from '../../src/connections/vendors';
import { redactUrl, redactUrlsIn } from '../../src/logger';

const rules = (value: string) => {
  const { rules: r, problems } = parseVendorHosts(value);
  expect(problems).toEqual([]);
  return r;
};
const permits = (value: string, url: string) => hostPermitted(new URL(url), rules(value));

describe('ARM_VENDOR_HOSTS', () => {
  it('parses host names, *. wildcards, ports and IPv6 addresses, normalised as URLs spell them', () => {
    expect(rules(' API.OpenAI.com , *.openai.azure.com,gateway.corp:8443,::1,[::1]:8080,127.1,')).toEqual([
      { host: 'api.openai.com', wildcard: false, port: null },
      { host: 'openai.azure.com', wildcard: true, port: null },
      { host: 'gateway.corp', wildcard: false, port: 8443 },
      { host: '[::1]', wildcard: false, port: null },
      { host: '[::1]', wildcard: false, port: 8080 },
      { host: '127.0.0.1', wildcard: false, port: null },
    ]);
  });

  it('refuses entries that are not hosts, naming each', () => {
    const { problems } = parseVendorHosts('http://api.openai.com,*.10.0.0.1,host:0,host:70000,a*b.com,user@host,[api.openai.com],ok.example');
    expect(problems).toHaveLength(7);
    for (const entry of ['http://api.openai.com', '*.10.0.0.1', 'host:0', 'host:70000', 'a*b.com', 'user@host', '[api.openai.com]']) expect(problems.join('\n')).toContain(`(got "${entry}")`);
    expect(() => loadConfig({ ARM_VENDOR_HOSTS: 'api.openai.com,http://10.0.0.1/' })).toThrow(ConfigError);
    expect(() => loadConfig({ ARM_VENDOR_HOSTS: ',' })).toThrow(/ARM_VENDOR_HOSTS must name at least one host/);
  });

  it('a wildcard permits subdomains at any depth, not the domain itself nor look-alikes', () => {
    expect(permits('*.openai.azure.com', 'https://myco.openai.azure.com/openai')).toBe(true);
    expect(permits('*.openai.azure.com', 'https://a.b.openai.azure.com/')).toBe(true);
    expect(permits('*.openai.azure.com', 'https://openai.azure.com/')).toBe(false);
    expect(permits('*.openai.azure.com', 'https://evilopenai.azure.com/')).toBe(false);
    expect(permits('*.openai.azure.com', 'https://openai.azure.com.evil.net/')).toBe(false);
  });

  it('a port permits that port only (80 and 443 when the URL names none); without one, any port', () => {
    expect(permits('gateway.corp:8443', 'https://gateway.corp:8443/v1')).toBe(true);
    expect(permits('gateway.corp:8443', 'https://gateway.corp/v1')).toBe(false);
    expect(permits('gateway.corp:8443', 'http://gateway.corp:22/')).toBe(false);
    expect(permits('gateway.corp:443', 'https://gateway.corp/v1')).toBe(true);
    expect(permits('gateway.corp:80', 'http://gateway.corp/v1')).toBe(true);
    expect(permits('gateway.corp', 'http://gateway.corp:9999/')).toBe(true);
    expect(permits('[::1]:8080', 'http://[::1]:8080/')).toBe(true);
    expect(permits('[::1]:8080', 'http://[::1]:8081/')).toBe(false);
    // Another spelling of the same address is the same host.
    expect(permits('127.0.0.1', 'http://2130706433:4000/')).toBe(true);
    expect(permits('127.0.0.1', 'http://127.0.0.2/')).toBe(false);
  });

  it("defaults to the vendors' own API hosts and loopback, and nothing else", () => {
    const { vendorHosts } = loadConfig({});
    for (const v of SUPPORTED_VENDORS) expect(baseUrlRefusal(v.defaultBaseUrl, vendorHosts)).toBeNull();
    for (const url of ['http://127.0.0.1:4010/openai/v1', 'http://localhost:4010/anthropic', 'http://[::1]:4010/']) expect(baseUrlRefusal(url, vendorHosts)).toBeNull();
    for (const url of ['http://10.0.0.1:22/', 'http://169.254.169.254/latest/meta-data/', 'https://api.openai.com.evil.net/v1', 'http://metadata.google.internal/']) {
      expect(baseUrlRefusal(url, vendorHosts)).toMatch(/ARM_VENDOR_HOSTS/);
    }
  });

  it('refuses every scheme but http and https, whatever the host', () => {
    const all = rules('127.0.0.1,localhost');
    for (const url of ['file:///etc/passwd', 'gopher://127.0.0.1:6379/_INFO', 'ftp://127.0.0.1/', 'ws://localhost/', 'data:text/plain,x']) {
      expect(baseUrlRefusal(url, all)).toMatch(/^baseUrl must use http or https/);
    }
    expect(baseUrlRefusal('HTTP://LOCALHOST:1/v1', all)).toBeNull();
    expect(baseUrlRefusal('not a url', all)).toBe('baseUrl is not a URL');
  });

  it('names a refused URL only with its secrets masked', () => {
    const why = baseUrlRefusal('http://proxy:s3cret@10.0.0.1:3128/v1?token=t0k3n', rules('api.openai.com'))!;
    expect(why).toContain('10.0.0.1:3128');
    expect(why).not.toMatch(/s3cret|t0k3n/);
  });
});

describe('redactUrl', () => {
  it("masks a password, a lone user name, and secret-looking query parameters; leaves a URL with none as it was", () => {
    expect(redactUrl('http://user:s3cret@proxy.corp:3128/v1')).toBe('http://user:***@proxy.corp:3128/v1');
    expect(redactUrl('https://ghp_t0k3n@gateway.corp/v1')).toBe('https://***@gateway.corp/v1');
    expect(redactUrl('https://gateway.corp/v1?api_key=k3y&region=eu&access_token=t0k3n&sig=x')).toBe('https://gateway.corp/v1?api_key=***&region=eu&access_token=***&sig=***');
    expect(redactUrl('https://api.openai.com/v1')).toBe('https://api.openai.com/v1');
    expect(redactUrl('http://127.0.0.1:1/v1?region=eu')).toBe('http://127.0.0.1:1/v1?region=eu');
  });

  it('masks every URL inside a text', () => {
    expect(redactUrlsIn('Request cannot be constructed from a URL that includes credentials: http://user:s3cret@127.0.0.1:9/v1/organization/projects?token=t0k3n&limit=1')).toBe(
      'Request cannot be constructed from a URL that includes credentials: http://user:***@127.0.0.1:9/v1/organization/projects?token=***&limit=1',
    );
    expect(redactUrlsIn('no url here')).toBe('no url here');
    expect(redactUrlsIn('bad http://u:p@[bad/x then')).toBe('bad http://[redacted] then');
  });
});
