import { attoText, type Atto } from '../costs/money';
import type { InteractionInput } from './interaction';
import { answerSignals } from './answer-signals';
import { maskText, maskValue } from './mask';

/** Where accepted rows go: resolves once they are durable (in ClickHouse, or in the spool until it takes them). */
export interface InteractionRowStore {
  append(rows: readonly Record<string, unknown>[]): Promise<void>;
  close(): Promise<void>;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** What the table's Decimal(38, 12) keeps of an exact amount: rates to 6 decimals per million tokens fit whole. */
export function costText(cost: Atto): string {
  const micro = cost / 1_000_000n;
  // In doubles when exact (any cost under $9,007): one BigInt division instead of three and a BigInt to text.
  if (micro >= 0n && micro <= MAX_SAFE) return microsCostText(Number(micro));
  return attoText(cost, 12);
}

const HOUR_MS = 3_600_000;
/** Years 0000 to 9999, where toISOString keeps its fixed layout. */
const LAST_MS = 253_402_300_800_000;
const DIGITS3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
const DIGITS2 = DIGITS3.slice(0, 60).map((d) => d.slice(1));
/** `YYYY-MM-DD HH:` of the hour last formatted: the spans of a batch fall in one hour or two. */
let hourAt = Number.NaN;
let hourText = '';

/** costText of a cost given in 10^-12 USD, a whole number of at most 2^53 - 1. */
function microsCostText(m: number): string {
  const frac = m % 1e12;
  return `${(m - frac) / 1e12}.${String(frac).padStart(12, '0')}`;
}

/** Epoch milliseconds as the DateTime64(3) text ClickHouse reads and compares, in UTC. */
/** The attribute an interaction's end user is kept under (OpenTelemetry's user.id). */
export const USER_ATTRIBUTE = 'user.id';

/** Epoch milliseconds (with fractions) as the DateTime64(6) text ClickHouse reads, in UTC. */
export function microsText(ms: number): string {
  const whole = Math.floor(ms);
  const micros = Math.round((ms - whole) * 1000);
  if (!(whole >= 0 && whole < LAST_MS)) {
    const iso = new Date(whole).toISOString();
    return `${iso.slice(0, 10)} ${iso.slice(11, 23)}${String(Math.min(micros, 999)).padStart(3, '0')}`;
  }
  // Per row: the hour's text once, then table lookups, instead of a Date and its ISO text each time.
  const inHour = whole % HOUR_MS;
  const hour = whole - inHour;
  if (hour !== hourAt) {
    const iso = new Date(hour).toISOString();
    hourText = `${iso.slice(0, 10)} ${iso.slice(11, 14)}`;
    hourAt = hour;
  }
  const milli = inHour % 1000;
  const secs = (inHour - milli) / 1000;
  const sec = secs % 60;
  return `${hourText}${DIGITS2[(secs - sec) / 60]}:${DIGITS2[sec]}.${DIGITS3[milli]}${DIGITS3[Math.min(micros, 999)]}`;
}

export interface RowFacts {
  organizationId: string;
  agentId: string;
  fingerprint: string;
  cost: Atto | null;
  /** The cost in 10^-12 USD when priceInteraction could keep it in a double (its costMicros). */
  costMicros?: number;
  capture: boolean;
  ingestedAt: string;
}

/** The interactions row of an accepted item; content only with capture on, masked; attribute values always masked. */
export function toRow(item: InteractionInput, f: RowFacts): Record<string, unknown> {
  let content = '';
  if (f.capture) {
    const system = item.content?.system ?? item.systemInstructions;
    const c = { ...(system !== undefined ? { system } : {}), ...(item.content?.input !== undefined ? { input: item.content.input } : {}), ...(item.content?.output !== undefined ? { output: item.content.output } : {}) };
    if (Object.keys(c).length > 0) content = JSON.stringify(maskValue(c));
  }
  const attributes: Record<string, string> = {};
  const given = item.attributes;
  if (given) for (const k in given) if (Object.hasOwn(given, k)) attributes[k] = maskText(given[k]!);
  if (f.capture && item.userId) attributes[USER_ATTRIBUTE] = maskText(item.userId);
  return {
    organization_id: f.organizationId,
    agent_id: f.agentId,
    id: item.id,
    source: item.source,
    started_at: microsText(item.startedAtMs),
    duration_ms: item.durationMs,
    ttft_ms: item.timeToFirstTokenMs ?? null,
    provider: item.provider,
    operation: item.operation || 'chat',
    request_model: item.requestModel,
    response_model: item.responseModel ?? item.requestModel,
    version_fingerprint: f.fingerprint,
    input_tokens: item.tokens.input,
    output_tokens: item.tokens.output,
    cache_read_tokens: item.tokens.cacheRead,
    cache_write_tokens: item.tokens.cacheWrite,
    cost_usd: f.cost === null ? null : f.costMicros !== undefined ? microsCostText(f.costMicros) : costText(f.cost),
    status: item.status,
    error_type: item.status === 'error' ? (item.errorType ?? '') : '',
    conversation_id: item.conversationId ?? '',
    trace_id: item.traceId ?? '',
    span_id: item.spanId ?? '',
    content,
    ...answerSignals(f.organizationId, item, f.capture),
    attributes,
    ingested_at: f.ingestedAt,
  };
}
