import type { VendorHosts } from '../config/vendor-hosts';
import { redactUrl } from '../logger';

// The configuration parses ARM_VENDOR_HOSTS (config/vendor-hosts.ts); this applies the rules.
export type { HostRule, VendorHosts } from '../config/vendor-hosts';

/** Whether a URL's host (and port: 80 or 443 when it names none) is one the rules permit. */
export function hostPermitted(url: URL, rules: VendorHosts): boolean {
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  return rules.some((r) => (r.port === null || r.port === port) && (r.wildcard ? url.hostname.endsWith(`.${r.host}`) : url.hostname === r.host));
}

/**
 * Why a connection may not call this base URL (not http or https, or a host the operator
 * does not permit), in words that say how to fix it; null when it may. The URL is named
 * only with its secrets masked.
 */
export function baseUrlRefusal(baseUrl: string, rules: VendorHosts): string | null {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return 'baseUrl is not a URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `baseUrl must use http or https, not ${url.protocol.replace(/:$/, '')}`;
  if (!hostPermitted(url, rules)) {
    return `baseUrl ${redactUrl(baseUrl)} is not a vendor host this collector may call: the operator permits hosts with ARM_VENDOR_HOSTS (comma-separated, *. for subdomains, :port for one port), which does not include ${url.host}`;
  }
  return null;
}
