/**
 * Reading and writing a vendor agent's instructions through the official SDKs, at the
 * connection's base URL (the simulator's in demos and tests) with its key: an OpenAI assistant's
 * `instructions` (beta.assistants.retrieve/update) and an Anthropic managed agent's `system`
 * (beta.agents.retrieve/update, with the version it was read at so a concurrent change is refused).
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { ApiError } from '../errors';

export interface InstructionsTarget {
  vendor: 'OPENAI' | 'ANTHROPIC';
  baseUrl: string;
  apiKey: string;
  /** The assistant's or managed agent's id at the vendor. */
  vendorAgentId: string;
  /** Words naming the agent in errors. */
  name: string;
}

export interface VendorInstructions {
  text: string;
  /** Anthropic's agent version (optimistic concurrency); null for OpenAI, which has none. */
  version: number | null;
}

export const VENDOR_TIMEOUT_MS = 30_000;
/** OpenAI's limit on an assistant's instructions, applied to both vendors. */
export const MAX_INSTRUCTIONS = 256_000;

const vendorName = (t: InstructionsTarget) => (t.vendor === 'OPENAI' ? 'OpenAI' : 'Anthropic');

/** A vendor's refusal in the API's words: gone (409), a concurrent change (409), or any other failure (502); the key never shown. */
function vendorFailure(t: InstructionsTarget, what: string, err: unknown): ApiError {
  const e = err as Error & { status?: number };
  const message = String(e.message ?? err).split(t.apiKey).join('[key]').slice(0, 300);
  if (e.status === 404) return new ApiError('CONFLICT', `${vendorName(t)} has no agent ${t.vendorAgentId} (${t.name}) any more: it was deleted or archived at the vendor`, { vendorAgentId: t.vendorAgentId });
  if (e.status === 409) return new ApiError('CONFLICT', `${vendorName(t)} refused to ${what} of ${t.name}: its instructions changed at the vendor meanwhile (${message}); try again`, { vendorAgentId: t.vendorAgentId });
  return new ApiError('VENDOR_ERROR', `${vendorName(t)} failed to ${what} of ${t.name}: ${e.status ? `${e.status} ` : ''}${message}`, { vendorAgentId: t.vendorAgentId, status: e.status ?? null });
}

const openai = (t: InstructionsTarget) => new OpenAI({ apiKey: t.apiKey, baseURL: t.baseUrl, maxRetries: 1, timeout: VENDOR_TIMEOUT_MS });
const anthropic = (t: InstructionsTarget) => new Anthropic({ apiKey: t.apiKey, baseURL: t.baseUrl, maxRetries: 1, timeout: VENDOR_TIMEOUT_MS });

export async function readInstructions(t: InstructionsTarget): Promise<VendorInstructions> {
  try {
    if (t.vendor === 'OPENAI') {
      const a = await openai(t).beta.assistants.retrieve(t.vendorAgentId);
      return { text: a.instructions ?? '', version: null };
    }
    const a = await anthropic(t).beta.agents.retrieve(t.vendorAgentId);
    return { text: (a as unknown as { system?: string | null }).system ?? '', version: a.version };
  } catch (err) {
    throw vendorFailure(t, 'read the instructions', err);
  }
}

/** Writes the instructions; for Anthropic only if the agent is still at `version` (else 409). */
export async function writeInstructions(t: InstructionsTarget, text: string, version: number | null): Promise<void> {
  try {
    if (t.vendor === 'OPENAI') await openai(t).beta.assistants.update(t.vendorAgentId, { instructions: text });
    else await anthropic(t).beta.agents.update(t.vendorAgentId, { system: text, ...(version !== null ? { version } : {}) });
  } catch (err) {
    throw vendorFailure(t, 'write the instructions', err);
  }
}
