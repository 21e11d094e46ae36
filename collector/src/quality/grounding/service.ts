import { createHash, randomUUID } from 'node:crypto';
import type { HallucinationCheck, GroundingRequest } from '@ai-arm/schemas';
import type { Logger } from 'pino';
import { AgentStore } from '../../agents/store';
import { ApiError } from '../../errors';
import type { CredentialVault } from '../../security/envelope-crypto';
import type { InteractionInput } from '../../interactions/interaction';
import { maskText } from '../../interactions/mask';
import type { Instruments } from '../../metrics/instruments.generated';
import type { TelemetryDb } from '../../stores/clickhouse/client';
import { millisText } from '../../stores/clickhouse/time-text';
import type { ControlPlaneDb } from '../../stores/postgres/types';
import { asTenant } from '../../stores/tenant-scope';
import { BackgroundQueue } from '../../interactions/background-queue';
import { QualitySettingsStore } from '../settings';
import { modelTarget } from '../../connections/model-target';
import { checkByRules, type CheckedClaim } from './check-rules';
import { splitClaims } from './claims';
import { responseOf, sourcesOf } from './context';
import { JudgeError, judgeByModel, JUDGE_TIMEOUT_MS, type JudgeTarget } from './judge';
import { flaggedOf, scoreOf, verdictOf } from './verdict';

export interface GroundingDeps {
  controlPlane: ControlPlaneDb;
  telemetry: TelemetryDb;
  metrics: Instruments;
  log: Logger;
  /** Decrypts the evaluator connection's key; null without ARM_MASTER_KEY (the LLM judge is then off). */
  vault: CredentialVault | null;
  now?: () => number;
}

/** Checks of sampled interactions run at most this many at once, and at most this many wait: more are skipped (and logged). */
export const SAMPLE_CONCURRENCY = 2;
export const SAMPLE_QUEUE = 64;
/** The API's limit on a response: a sampled answer longer than this is not checked. */
const MAX_RESPONSE = 65_536;

interface Run {
  method: HallucinationCheck['method'];
  claims: CheckedClaim[];
}

/** Whether an interaction is in the sample: a hash of its id, so a re-delivery is sampled (or not) the same way. */
export function sampled(organizationId: string, interactionId: string, rate: number): boolean {
  if (rate <= 0) return false;
  if (rate >= 1) return true;
  const h = createHash('sha256').update(`${organizationId}\n${interactionId}`).digest();
  return h.readUInt32BE(0) / 0x1_0000_0000 < rate;
}

/** A sampled interaction's check id: the same interaction checked again replaces its row. */
function checkIdOf(organizationId: string, interactionId: string): string {
  const h = createHash('sha256').update(`grounding\n${organizationId}\n${interactionId}`).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A reason without the source text it quotes: stored so when the organisation keeps no content. */
const unquoted = (reason: string) => reason.replace(/:\s*".*$/s, '');

/** Grounding checks: on request, and on sampled pushed interactions that carry retrieved context. */
export class GroundingService {
  private readonly settings: QualitySettingsStore;
  private readonly agents: AgentStore;
  private readonly now: () => number;
  private readonly background: BackgroundQueue;
  /** Each agent's sample rate, read at most once a minute (wall clock): the push path decides without awaiting. */
  private readonly rates = new Map<string, { rate: number; readAtMs: number }>();
  /** Timeout of the LLM judge's calls; tests shorten it. */
  judgeTimeoutMs = JUDGE_TIMEOUT_MS;

  constructor(readonly deps: GroundingDeps) {
    this.settings = new QualitySettingsStore(deps.controlPlane);
    this.agents = new AgentStore(deps.controlPlane);
    this.now = deps.now ?? Date.now;
    this.background = new BackgroundQueue({ name: 'grounding', skipped: 'sampled interaction(s) not checked', failed: 'sampled check failed', concurrency: SAMPLE_CONCURRENCY, capacity: SAMPLE_QUEUE, log: deps.log });
  }

  /** POST /api/v1/quality/:agentId/evaluate: checks, stores and counts one response. */
  async evaluate(organizationId: string, agentId: string, input: GroundingRequest): Promise<HallucinationCheck> {
    return asTenant(organizationId, async () => {
      if (!(await this.agents.get(organizationId, agentId))) throw new ApiError('NOT_FOUND', `no agent ${agentId}`);
      const judge = input.judge ?? 'auto';
      let target: JudgeTarget | string | null = null;
      if (judge !== 'rules') {
        const evaluator = await this.settings.evaluator(organizationId);
        if (judge === 'llm' && !evaluator) throw new ApiError('VALIDATION_ERROR', 'judge "llm" needs an evaluator model: set one with PATCH /api/v1/quality/settings (evaluator), or ask for judge "rules"', { field: 'body/judge' });
        if (judge === 'llm' && !this.deps.vault) throw new ApiError('UNAVAILABLE', 'this collector has no ARM_MASTER_KEY, so it cannot open the evaluator connection\'s key; ask for judge "rules"');
        if (evaluator && this.deps.vault) target = await modelTarget(this.deps.controlPlane, this.deps.vault, organizationId, evaluator.connectionId, evaluator.model, 'evaluator');
      }
      const run = await this.run(organizationId, input.response, input.sources, target);
      const capture = await this.captures(organizationId);
      const check = this.checkOf(randomUUID(), agentId, input.interactionId ?? null, this.now(), run, input.response);
      await this.store(organizationId, check, run, capture);
      // The caller gets every claim's text (it sent them); the response itself only where content is kept, as reads show it.
      return capture ? check : { ...check, response: null };
    });
  }

  /** The push path offers each newly stored interaction; a sampled one with retrieved context is checked in the background. */
  sample(organizationId: string, agentId: string, item: InteractionInput, capture: boolean): void {
    if (!capture || this.background.isClosed || item.content === undefined || item.status !== 'ok') return;
    // Cheap tests first, on the push path's thread: most interactions carry no retrieved context.
    const sources = sourcesOf(item);
    if (sources.length === 0) return;
    const response = responseOf(item);
    if (response === '' || response.length > MAX_RESPONSE) return;
    // Known rate: decided here, so a burst of unsampled interactions never fills the queue.
    const known = this.rateOf(organizationId, agentId);
    if (known !== undefined && !sampled(organizationId, item.id, known)) return;
    this.background.push(organizationId, item.id, async () => {
      const rate = known ?? (await this.readRate(organizationId, agentId));
      if (!sampled(organizationId, item.id, rate)) return;
      // Checked as stored: the interaction's content is kept masked, so its check is made on the masked text.
      const masked = maskText(response);
      const evaluator = await this.settings.evaluator(organizationId);
      const target = evaluator && this.deps.vault ? await modelTarget(this.deps.controlPlane, this.deps.vault, organizationId, evaluator.connectionId, evaluator.model, 'evaluator') : null;
      const run = await this.run(organizationId, masked, sources.map(maskText), target);
      // Dated at the interaction's end, so a re-delivered interaction's check replaces the first.
      const check = this.checkOf(checkIdOf(organizationId, item.id), agentId, item.id, item.startedAtMs + item.durationMs, run, masked);
      await this.store(organizationId, check, run, true);
    });
  }

  /** Resolves when no sampled check is queued or running. */
  idle(): Promise<void> {
    return this.background.idle();
  }

  /** Waits for the checks in flight and those queued (shutdown); no more are taken. */
  close(): Promise<void> {
    return this.background.close();
  }

  /** The cached rate, refreshed in the background once it is a minute old; undefined until first read. */
  private rateOf(organizationId: string, agentId: string): number | undefined {
    const cached = this.rates.get(`${organizationId}|${agentId}`);
    if (!cached || Date.now() - cached.readAtMs > 60_000) void this.readRate(organizationId, agentId).catch(() => undefined);
    return cached?.rate;
  }

  private async readRate(organizationId: string, agentId: string): Promise<number> {
    const rate = (await asTenant(organizationId, () => this.settings.effective(organizationId, agentId))).groundingSampleRate;
    this.rates.set(`${organizationId}|${agentId}`, { rate, readAtMs: Date.now() });
    return rate;
  }





  /** The claims judged: by the model when there is one to ask and it answers, by the rules otherwise (and for claims it skipped). */
  private async run(organizationId: string, response: string, sources: readonly string[], target: JudgeTarget | string | null): Promise<Run> {
    const spans = splitClaims(response);
    const rules = checkByRules(response, sources, spans);
    if (target === null) return { method: 'rules', claims: rules };
    let why: string;
    if (typeof target === 'string') why = target;
    else {
      try {
        const judged = await judgeByModel(target, spans, sources, this.judgeTimeoutMs);
        const claims = rules.map((r, i): CheckedClaim => {
          const j = judged.get(i);
          if (!j) return { ...r, reason: `not judged by the evaluator; by the rules: ${r.reason}` };
          const { suggestedCorrection, ...rest } = j;
          return { text: r.text, start: r.start, end: r.end, ...rest, evidence: j.evidence ?? (j.status !== 'UNSUPPORTED' ? r.evidence : null), ...(suggestedCorrection ? { suggestedCorrection } : {}) };
        });
        return { method: 'llm', claims };
      } catch (err) {
        if (!(err instanceof JudgeError)) throw err;
        why = err.message;
      }
    }
    this.deps.log.warn({ organization_id: organizationId, reason: why }, 'grounding: LLM judge unavailable, checked by the rules');
    return { method: 'rules', claims: rules.map((r) => ({ ...r, reason: `LLM judge unavailable (${why}); by the rules: ${r.reason}` })) };
  }

  private checkOf(id: string, agentId: string, interactionId: string | null, atMs: number, run: Run, response: string): HallucinationCheck {
    return {
      id,
      agentId,
      interactionId,
      checkedAt: new Date(atMs).toISOString(),
      method: run.method,
      verdict: verdictOf(run.claims),
      score: scoreOf(run.claims),
      claims: run.claims.map(({ suggestedCorrection: _s, ...c }) => c),
      flaggedClaims: flaggedOf(run.claims),
      response,
    };
  }

  /** The row (claim texts, quotes and the response only with content capture on, masked), then the count. */
  private async store(organizationId: string, check: HallucinationCheck, run: Run, capture: boolean): Promise<void> {
    const claims = run.claims.map((c) => (capture ? { ...c, text: maskText(c.text), reason: maskText(c.reason), ...(c.suggestedCorrection ? { suggestedCorrection: maskText(c.suggestedCorrection) } : {}) } : { ...c, text: '', reason: unquoted(c.reason), suggestedCorrection: undefined }));
    const nowMs = this.now();
    await this.deps.telemetry.insert('grounding_checks', [
      {
        organization_id: organizationId,
        agent_id: check.agentId,
        id: check.id,
        interaction_id: check.interactionId ?? '',
        checked_at: millisText(Date.parse(check.checkedAt)),
        method: check.method,
        verdict: check.verdict,
        score: check.score,
        claims: JSON.stringify(claims),
        response: capture && check.response !== null ? maskText(check.response) : '',
        ingested_at: millisText(nowMs),
      },
    ]);
    this.deps.metrics.groundingChecks.add(1, { organization_id: organizationId, gen_ai_agent_id: check.agentId, grounding_verdict: check.verdict.toLowerCase() as 'clean' | 'suspicious' | 'hallucination' });
  }

  private async captures(organizationId: string): Promise<boolean> {
    const [row] = await this.deps.controlPlane.query<{ content_capture: boolean }>('SELECT content_capture FROM organizations WHERE id = $1', [organizationId]);
    return row?.content_capture === true;
  }
}
