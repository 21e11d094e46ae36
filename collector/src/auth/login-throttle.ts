import { RateLimiter } from './rate-limit';

export interface LoginLimits {
  /** Sign-in attempts a minute for one account from one address. */
  perAccountAndAddress: number;
  /** Attempts a minute from one address, whatever the accounts (spraying; scrypt as a CPU sink). */
  perAddress: number;
  /** Failed attempts per 10 minutes for one account from all addresses: the backstop against many addresses. */
  accountFailures: number;
}

export const loginLimits = (attemptsPerMinute: number): LoginLimits => ({
  perAccountAndAddress: attemptsPerMinute,
  perAddress: attemptsPerMinute * 3,
  accountFailures: attemptsPerMinute * 10,
});

// How long an address that signed in stays trusted for its account, and how many are remembered.
const KNOWN_GOOD_MS = 30 * 86_400_000;
const KNOWN_GOOD_PER_ACCOUNT = 10;
const KNOWN_GOOD_ACCOUNTS = 100_000;
const ACCOUNT_WINDOW_MS = 10 * 60_000;

/**
 * Throttles sign-in the way well-kept identity providers do (OWASP, Keycloak's brute-force
 * detection): by account and address together and by address, so someone guessing from their
 * own address locks out only themselves. The account-wide limit counts failures only, is far
 * higher, and never applies to an address that signed in to the account lately: an attacker
 * cannot lock the user out of their usual address. In memory, per replica.
 */
export class LoginThrottle {
  private readonly pair: RateLimiter;
  private readonly address: RateLimiter;
  private readonly account: RateLimiter;
  /** account -> address -> last successful sign-in (ms). Insertion order makes it an LRU. */
  private readonly knownGood = new Map<string, Map<string, number>>();

  constructor(
    limits: LoginLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.pair = new RateLimiter(limits.perAccountAndAddress, now);
    this.address = new RateLimiter(limits.perAddress, now);
    this.account = new RateLimiter(limits.accountFailures, now, ACCOUNT_WINDOW_MS);
  }

  /**
   * Before checking a password: 0 to go ahead, else the seconds to wait. Takes a try from the
   * address limits, and (from an address not known good) one failure from the account's ahead of
   * the outcome, given back on success: counted only once scrypt answered, every attempt already
   * in flight got through (300 at once were all checked).
   */
  attempt(account: string, address: string): number {
    const known = this.isKnownGood(account, address);
    const accountWait = known ? 0 : this.account.peek(`a|${account}`);
    if (accountWait > 0) return accountWait;
    const wait = Math.max(this.address.take(addressKey(address)), this.pair.take(`p|${account}|${address}`));
    if (wait === 0 && !known) this.account.take(`a|${account}`);
    return wait;
  }

  succeeded(account: string, address: string): void {
    if (!this.isKnownGood(account, address)) this.account.giveBack(`a|${account}`);
    const t = this.now();
    const addresses = this.knownGood.get(account) ?? new Map<string, number>();
    this.knownGood.delete(account);
    addresses.delete(address);
    addresses.set(address, t);
    while (addresses.size > KNOWN_GOOD_PER_ACCOUNT) addresses.delete(addresses.keys().next().value!);
    this.knownGood.set(account, addresses);
    while (this.knownGood.size > KNOWN_GOOD_ACCOUNTS) this.knownGood.delete(this.knownGood.keys().next().value!);
  }

  private isKnownGood(account: string, address: string): boolean {
    const at = this.knownGood.get(account)?.get(address);
    return at !== undefined && this.now() - at < KNOWN_GOOD_MS;
  }
}

/** An IPv4 address as it is; an IPv6 one by its /64, the block one host holds (it has 2^64 addresses to spray from). */
function addressKey(address: string): string {
  const v4 = /^(?:::ffff:)?(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (v4) return `ip|${v4[1]}`;
  if (!address.includes(':')) return `ip|${address}`;
  const [head, tail = ''] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `ip6|${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
