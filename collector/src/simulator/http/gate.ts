import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SimVendor } from '../catalog';
import { unit } from '../random';
import type { SimState } from '../state';
import { rfc3339 } from './params';
import { vendorError } from './errors';

/**
 * What stands before every vendor route, in the vendors' order: authentication, the rate
 * limit, then injected faults and latency.
 */
export function gate(state: SimState) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const vendor: SimVendor = request.url.startsWith('/anthropic/') ? 'anthropic' : 'openai';
    const route = request.routeOptions.url ?? request.url;
    state.stats.requests++;
    state.stats.byRoute[route] = (state.stats.byRoute[route] ?? 0) + 1;

    // Anthropic documents x-api-key; its TypeScript SDK sends Authorization: Bearer. Both are accepted.
    const key = vendor === 'openai' ? bearer(request.headers.authorization) : (header(request.headers['x-api-key']) ?? bearer(request.headers.authorization));
    const expected = vendor === 'openai' ? state.opts.keys.openaiAdmin : state.opts.keys.anthropicAdmin;
    if (!key || (key !== expected && !state.opts.extraAdminKeys[vendor].includes(key))) {
      const shown = key ? `${key.slice(0, 7)}...${key.slice(-4)}` : '';
      return vendor === 'openai'
        ? vendorError(reply, vendor, 401, key ? `Incorrect API key provided: ${shown}. You can find your API key at https://platform.openai.com/account/api-keys.` : 'You did not provide an API key.')
        : vendorError(reply, vendor, 401, 'invalid x-api-key');
    }

    if (vendor === 'openai') reply.header('openai-organization', state.organizations.openai.id);
    const limited = rateLimit(state, vendor, key, reply);
    if (limited) return limited;

    if (state.opts.faultRate > 0 && unit(state.world.seed, 'fault', state.requestSeq++) < state.opts.faultRate) {
      state.stats.faults++;
      const overloaded = unit(state.world.seed, 'fault-kind', state.requestSeq) < 0.5;
      if (vendor === 'anthropic') return vendorError(reply, vendor, overloaded ? 529 : 500, overloaded ? 'Overloaded' : 'Internal server error');
      return vendorError(reply, vendor, overloaded ? 503 : 500, 'The server had an error while processing your request. Sorry about that!');
    }
    if (state.opts.latencyMs > 0) {
      await new Promise((r) => setTimeout(r, state.opts.latencyMs * (1 + unit(state.world.seed, 'latency', state.stats.requests))));
    }
    return undefined;
  };
}

function rateLimit(state: SimState, vendor: SimVendor, key: string, reply: FastifyReply) {
  const { requests: limit, windowSeconds } = state.opts.rateLimit;
  const nowMs = Date.now();
  const id = `${vendor}:${key}`;
  let w = state.windows.get(id);
  if (!w || nowMs >= w.start + windowSeconds * 1000) {
    w = { start: nowMs, count: 0, limited: false };
    state.windows.set(id, w);
  }
  const resetMs = w.start + windowSeconds * 1000 - nowMs;
  if (w.limited && w.count >= limit) state.stats.violations++; // came back before the retry-after it was given
  w.count++;
  const remaining = Math.max(0, limit - w.count);
  if (vendor === 'openai') {
    reply.header('x-ratelimit-limit-requests', String(limit));
    reply.header('x-ratelimit-remaining-requests', String(remaining));
    reply.header('x-ratelimit-reset-requests', duration(resetMs));
  } else {
    reply.header('anthropic-ratelimit-requests-limit', String(limit));
    reply.header('anthropic-ratelimit-requests-remaining', String(remaining));
    reply.header('anthropic-ratelimit-requests-reset', rfc3339(Math.ceil((nowMs + resetMs) / 1000)));
  }
  if (w.count <= limit) return undefined;
  w.limited = true;
  state.stats.rateLimited++;
  reply.header('retry-after', String(Math.max(1, Math.ceil(resetMs / 1000))));
  return vendorError(reply, vendor, 429, vendor === 'openai' ? `Rate limit reached for requests on this key: limit ${limit} per ${windowSeconds}s.` : 'Number of request tokens has exceeded your per-minute rate limit');
}

/** OpenAI writes reset times as Go durations: `12ms`, `6m0s`. */
function duration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  const s = Math.ceil(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${s % 60}s` : `${s}s`;
}

const header = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
const bearer = (v: string | undefined) => (v?.startsWith('Bearer ') ? v.slice(7) : undefined);
