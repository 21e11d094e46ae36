/**
 * The push path's policy check: each organisation's enabled policies, compiled once and kept
 * until one of them changes, run on every accepted interaction (architecture: normalize ->
 * attribute -> price -> govern).
 */
export class Governor {
  private readonly compiled = new Map<string, unknown>();

  /** A policy of the organisation changed: the next interaction loads its policies again. */
  invalidate(organizationId: string): void {
    this.compiled.delete(organizationId);
  }
}
