import { isIP } from 'node:net';

// ARM_VENDOR_HOSTS is parsed with the rest of the environment, and the configuration depends on
// nothing of the domain: the rules' shape and parser live here, connections/vendor-hosts.ts applies them.

/** One entry of ARM_VENDOR_HOSTS: a host (or, with `*.`, its subdomains), on any port or one. */
export interface HostRule {
  /** As a URL's `hostname` spells it: lower case, IPv4 normalised, IPv6 in brackets. */
  host: string;
  /** `*.example.com`: any subdomain of `host`, not `host` itself. */
  wildcard: boolean;
  /** Null: any port. */
  port: number | null;
}

export type VendorHosts = readonly HostRule[];

/**
 * Parses ARM_VENDOR_HOSTS: comma-separated host names or addresses, each optionally `*.`
 * (any subdomain) and `:port` (that port only); an IPv6 address bare (`::1`) or in brackets
 * with a port (`[::1]:8080`). Hosts are normalised as a URL's are, so `LOCALHOST` permits
 * `http://localhost/` and `127.1` permits `http://127.0.0.1/`.
 */
export function parseVendorHosts(value: string): { rules: HostRule[]; problems: string[] } {
  const rules: HostRule[] = [];
  const problems: string[] = [];
  for (const raw of value.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const rule = parseEntry(entry);
    if (typeof rule === 'string') problems.push(`ARM_VENDOR_HOSTS: ${rule} (got "${entry}")`);
    else rules.push(rule);
  }
  return { rules, problems };
}

function parseEntry(entry: string): HostRule | string {
  const wildcard = entry.startsWith('*.');
  const rest = wildcard ? entry.slice(2) : entry;
  if (/[*/@?#\\\s]/.test(rest)) return 'each entry is a host name or address, optionally with a *. prefix and a :port, not a URL';
  let host: string;
  let port: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
  if (bracketed) [, host, port] = bracketed as unknown as [string, string, string | undefined];
  else if ((rest.match(/:/g) ?? []).length > 1) host = rest; // a bare IPv6 address: no port
  else [host, port] = rest.split(':') as [string, string | undefined];
  if (!host) return 'a host is missing';
  const v6 = isIP(host) === 6;
  if (rest.startsWith('[') && !v6) return 'only an IPv6 address goes in brackets';
  let hostname: string;
  try {
    hostname = new URL(`http://${v6 ? `[${host}]` : host}/`).hostname;
  } catch {
    return 'not a host name or address';
  }
  if (wildcard && (v6 || isIP(hostname) === 4)) return 'a *. prefix needs a domain name, not an address';
  if (port !== undefined && !(/^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) return 'a port is a number from 1 to 65535';
  return { host: hostname, wildcard, port: port === undefined ? null : Number(port) };
}
