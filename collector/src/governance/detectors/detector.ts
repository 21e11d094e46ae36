/**
 * A detector finds one kind of sensitive or hostile text (an e-mail address, a card number, a
 * vendor key, a prompt-injection phrase) and says where. Policies use them through the DETECTS
 * operator; the masking of stored content and of evaluation answers uses the same ones, so what
 * a policy calls a card number is what gets masked.
 */
export type DetectorFamily = 'pii' | 'secret' | 'prompt_injection';

/** A match: UTF-16 offsets into the text, end exclusive, and the detector's name (e.g. pii.card). */
export interface TextSpan {
  start: number;
  end: number;
  detector: string;
}

export interface Detector {
  /** `<family>.<kind>`, e.g. pii.email, secret.aws_access_key, prompt_injection.ignore_instructions. */
  readonly name: string;
  readonly family: DetectorFamily;
  /** Every match in the text, in order of start; an empty array when none. */
  find(text: string): TextSpan[];
}
