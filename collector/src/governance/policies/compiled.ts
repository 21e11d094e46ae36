import type { PolicyInput } from '@ai-arm/schemas';
import { compilePolicy, type CompiledPolicy, type PolicyDefinition } from '../engine';

const MAX_KEPT = 2000;

/**
 * Compiled policies by id and version. A version never changes once written, so a compiled one
 * stays right for as long as it is kept, on every replica, with nothing to invalidate: the
 * evaluate API reads which versions are enabled and compiles only those it has not seen.
 */
export class CompiledPolicies {
  private readonly kept = new Map<string, CompiledPolicy>();

  private readonly sets = new Map<string, readonly CompiledPolicy[]>();

  /**
   * The definitions compiled, as the same array for the same ids and versions: the engine keeps
   * what it derives from a set of policies (their shared literal screen) with the array.
   */
  of(definitions: readonly PolicyDefinition[]): readonly CompiledPolicy[] {
    const key = definitions.every((d) => d.id !== null && d.version !== null) ? definitions.map((d) => `${d.id}:${d.version}`).join(',') : null;
    const known = key === null ? undefined : this.sets.get(key);
    if (known) return known;
    const set = this.compile(definitions);
    if (key !== null) {
      if (this.sets.size >= MAX_KEPT) this.sets.clear();
      this.sets.set(key, set);
    }
    return set;
  }

  private compile(definitions: readonly PolicyDefinition[]): CompiledPolicy[] {
    return definitions.map((d) => {
      if (d.id === null || d.version === null) return compilePolicy(d);
      const key = `${d.id}:${d.version}`;
      let p = this.kept.get(key);
      if (!p) {
        // Old versions are not looked up again: start afresh rather than track which are stale.
        if (this.kept.size >= MAX_KEPT) this.kept.clear();
        this.kept.set(key, (p = compilePolicy(d)));
      }
      return p;
    });
  }

  /** A draft (not stored: no id, no version), compiled for one evaluation; `invalid` turns the engine's error into the caller's. */
  draft(input: PolicyInput, field: string, invalid: (err: unknown, field: string) => never): CompiledPolicy {
    try {
      return compilePolicy({ id: null, name: input.name, version: null, enforcement: input.enforcement, severity: input.severity, match: input.match ?? 'all', conditions: input.conditions });
    } catch (err) {
      return invalid(err, field);
    }
  }
}
