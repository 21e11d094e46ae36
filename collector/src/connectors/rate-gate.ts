import { setTimeout as sleep } from 'node:timers/promises';

export interface GateClock {
  now(): number;
  /** Rejects when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * One connection's door to its vendor: one request at a time, and after the vendor says
 * stop (a 429's retry-after, or rate-limit headers reporting nothing left in the window)
 * no request leaves until the vendor's reset time. The SDKs retry 429s on their own; this
 * keeps every other call of the connection from walking into the same wall meanwhile.
 *
 * `stop` (the collector's shutdown) ends a wait at once, and fails every request still queued:
 * a reset may be an hour away. The request's own signal does not end the wait, since the
 * SDK's timeout would then fail a poll that only has to wait for the vendor's window.
 */
export function rateGate(inner: typeof fetch, opts: { clock?: GateClock; stop?: AbortSignal } = {}): typeof fetch {
  const { clock = realClock, stop } = opts;
  let queue: Promise<unknown> = Promise.resolve();
  let blockedUntil = 0;
  return (input, init) => {
    const run = async () => {
      stop?.throwIfAborted();
      const wait = blockedUntil - clock.now();
      if (wait > 0) await clock.sleep(wait, stop);
      const res = await inner(input, init);
      // A spent budget is no rate limit: waiting does not end it, so it is neither retried nor
      // allowed to hold the connection's other calls (the SDKs honour x-should-retry).
      if (res.status === 429 && SPEND_LIMIT.test(await res.clone().text())) {
        const headers = new Headers(res.headers);
        headers.set('x-should-retry', 'false');
        return new Response(await res.text(), { status: res.status, statusText: res.statusText, headers });
      }
      const until = resumeAt(res, clock.now());
      if (until !== null) blockedUntil = Math.max(blockedUntil, until);
      return res;
    };
    const result = queue.then(run, run);
    queue = result.catch(() => undefined);
    return result;
  };
}

/** A 429 that says a spend limit was reached (Anthropic's workspace usage limits, OpenAI's insufficient_quota). */
const SPEND_LIMIT = /usage limit|spend(ing)? limit|insufficient_quota|exceeded your current quota/i;

const realClock: GateClock = {
  now: () => Date.now(),
  // Rejects with the signal's reason (the shutdown's), as throwIfAborted does.
  sleep: (ms, signal) => sleep(ms, undefined, { signal }).catch((err: unknown) => Promise.reject(signal?.aborted ? signal.reason : err)),
};

/** When the vendor will take requests again, if it said; null when it has room. */
export function resumeAt(res: Response, nowMs: number): number | null {
  const h = res.headers;
  if (res.status === 429) {
    const ms = Number(h.get('retry-after-ms'));
    if (ms > 0) return nowMs + ms;
    const s = h.get('retry-after');
    if (s && Number.isFinite(Number(s))) return nowMs + Number(s) * 1000;
    if (s && !Number.isNaN(Date.parse(s))) return Date.parse(s);
    return nowMs + 1000;
  }
  const remaining = h.get('x-ratelimit-remaining-requests') ?? h.get('anthropic-ratelimit-requests-remaining');
  if (remaining !== '0') return null;
  const openaiReset = h.get('x-ratelimit-reset-requests');
  if (openaiReset) return nowMs + goDurationMs(openaiReset);
  const anthropicReset = h.get('anthropic-ratelimit-requests-reset');
  if (anthropicReset && !Number.isNaN(Date.parse(anthropicReset))) return Date.parse(anthropicReset);
  return null;
}

/** OpenAI's reset durations: `120ms`, `12s`, `6m0s`, `1h2m3.5s`. */
export function goDurationMs(d: string): number {
  let ms = 0;
  for (const [, n, unit] of d.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) ms += Number(n) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit as 'ms' | 's' | 'm' | 'h'];
  return ms;
}
