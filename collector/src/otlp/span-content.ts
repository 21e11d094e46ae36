import type { InteractionInput } from '../interactions/interaction';
import { contentValue } from './genai-attrs';
import type { AttrValue } from './model';

/**
 * A span's content as the pipeline reads it. The prompt is parsed (contentValue) when first read:
 * for an organisation that keeps no content and has no policies nothing reads it, and parsing
 * every span's input messages for nothing was a measurable part of the push path's time. The
 * answer is parsed at once: quality reads it from every span (answer-signals.ts).
 */
export class SpanContent implements NonNullable<InteractionInput['content']> {
  system?: string;
  output?: unknown;
  #raw: AttrValue | undefined;
  #input: unknown;

  /** `rawInput` as sent (JSON text, a structure, plain text); undefined for none. */
  constructor(rawInput: AttrValue | undefined) {
    this.#raw = rawInput;
  }

  get input(): unknown {
    if (this.#raw !== undefined) {
      this.#input = contentValue(this.#raw);
      this.#raw = undefined;
    }
    return this.#input;
  }

  /** What JSON.stringify writes (a class's getters are not its own properties). */
  toJSON(): { system?: string; input?: unknown; output?: unknown } {
    const out: { system?: string; input?: unknown; output?: unknown } = {};
    if (this.system !== undefined) out.system = this.system;
    if (this.input !== undefined) out.input = this.input;
    if (this.output !== undefined) out.output = this.output;
    return out;
  }
}
