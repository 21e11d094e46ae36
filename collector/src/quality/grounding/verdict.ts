import type { FlaggedClaim, GroundedClaim, GroundingVerdict } from '@ai-arm/schemas';

/**
 * A check's verdict and score from its claims. The score is the share of claims flagged, each
 * weighted by its confidence (0: all supported, 1: every claim flagged for sure). HALLUCINATION:
 * a claim the sources contradict with confidence 0.7 or more, or a score of 0.4 or more (much of
 * the answer rests on nothing); SUSPICIOUS: any other flagged claim with confidence 0.5 or more,
 * or a score of 0.1 or more; CLEAN otherwise, and when there was no claim to check.
 */
export const HALLUCINATION_SCORE = 0.4;
export const SUSPICIOUS_SCORE = 0.1;
export const CONTRADICTION_CONFIDENCE = 0.7;

export const isFlagged = (c: Pick<GroundedClaim, 'status'>) => c.status !== 'SUPPORTED';

export function scoreOf(claims: readonly Pick<GroundedClaim, 'status' | 'confidence'>[]): number {
  if (claims.length === 0) return 0;
  const flagged = claims.filter(isFlagged).reduce((s, c) => s + c.confidence, 0);
  return Math.round((flagged / claims.length) * 1000) / 1000;
}

export function verdictOf(claims: readonly Pick<GroundedClaim, 'status' | 'confidence'>[]): GroundingVerdict {
  const score = scoreOf(claims);
  if (score >= HALLUCINATION_SCORE || claims.some((c) => c.status === 'CONTRADICTED' && c.confidence >= CONTRADICTION_CONFIDENCE)) return 'HALLUCINATION';
  if (score >= SUSPICIOUS_SCORE || claims.some((c) => isFlagged(c) && c.confidence >= 0.5)) return 'SUSPICIOUS';
  return 'CLEAN';
}

/** The flagged claims as the PRD names them. */
export function flaggedOf(claims: readonly (GroundedClaim & { suggestedCorrection?: string })[]): FlaggedClaim[] {
  return claims.filter(isFlagged).map((c) => ({
    claim: c.text,
    startIndex: c.start,
    endIndex: c.end,
    reason: c.reason,
    confidence: c.confidence,
    ...(c.status === 'CONTRADICTED' && c.suggestedCorrection ? { suggestedCorrection: c.suggestedCorrection } : {}),
  }));
}
