/**
 * Prompt injection: a curated list of the phrases that hijack a model's instructions (ignore the
 * previous instructions, reveal the system prompt, you are now DAN, pretend you have no
 * restrictions, chat-template control tokens). Matched case-insensitively with any run of
 * whitespace between words. A phrase list finds the common attacks word for word; it does not
 * understand intent, so a paraphrase passes and an article quoting the phrase is found.
 */
import { patternDetector, type HintedDetector } from './scan';

/** A phrase pattern: every space becomes `\s+`, so line breaks and double spaces still match. */
function phrases(...alternatives: string[]): RegExp {
  return new RegExp(`\\b(?:${alternatives.map((a) => a.replace(/ /g, '\\s+')).join('|')})(?![A-Za-z0-9])`, 'gi');
}

const DETERMINERS = '(?:(?:all|any|every|the|your|my|these|those|of) ){0,3}';
const EARLIER = '(?:previous|prior|preceding|above|earlier|former|original|initial|system|developer|safety)';
const ORDERS = '(?:instructions?|prompts?|directions?|rules|guidelines|commands?|messages?|context|orders|programming)';

export const INJECTION_DETECTORS: readonly HintedDetector[] = [
  patternDetector(
    'prompt_injection.ignore_instructions',
    phrases(
      `(?:ignore|disregard|forget|override|bypass|skip) ${DETERMINERS}${EARLIER} ${ORDERS}`,
      `(?:ignore|disregard|forget) (?:all )?your (?:instructions|rules|guidelines|programming|training)`,
      `(?:ignore|disregard) all (?:instructions|rules|guidelines)`,
      `(?:ignore|disregard|forget) (?:everything|anything|all) (?:(?:said|written|stated|you were told) )?(?:above|before this|previously)`,
      `(?:new|updated|real) system (?:prompt|instructions?)\\s*:`,
      `system override`,
    ),
    { hint: /ignore|disregard|forget|override|bypass|skip|system/i },
  ),
  patternDetector(
    'prompt_injection.reveal_prompt',
    phrases(
      `(?:reveal|show|print|display|repeat|output|tell|give|share|leak|dump|expose|recite|write out) (?:me |us )?(?:(?:all|the|your|its|of|full|entire|exact|complete|original|verbatim) ){0,4}(?:(?:system|initial|hidden|secret|internal|original) (?:prompt|message|instructions?)|prompt (?:above|verbatim))`,
      `what (?:is|are|were) your (?:system|initial|original|hidden|secret) (?:prompt|message|instructions?)`,
      `repeat (?:the )?(?:words|text) above`,
    ),
    // Every phrase ends on one of these: rarer in prose than the verbs that start them.
    { hint: /prompt|message|instruction|above/i },
  ),
  patternDetector(
    'prompt_injection.jailbreak_persona',
    phrases(
      `do anything now`,
      `(?:you are|you're|act as|pretend to be|become|roleplay as) (?:now )?(?:a |an )?(?:DAN|STAN|DUDE|AIM)`,
      `(?:developer|god|jailbreak|jailbroken|DAN) mode (?:enabled|activated|on)`,
      `(?:enable|activate|enter|switch to) (?:the )?(?:developer|god|jailbreak|DAN) mode`,
      `you are now in (?:developer|god|jailbreak|DAN|unrestricted) mode`,
      `act as (?:an? )?(?:unrestricted|unfiltered|uncensored|jailbroken) (?:AI|assistant|model|chatbot|LLM)`,
    ),
    {
      hint: /anything|\bdan\b|\bstan\b|\bdude\b|\baim\b|mode\b|unrestricted|unfiltered|uncensored|jailbr/i,
      // A persona's name counts only in capitals: "you are now Dan" greets a person called Dan.
      accept: (m) => (/\b(?:dan|stan|dude|aim)$/i.test(m[0]) && !/\b(?:DAN|STAN|DUDE|AIM)$/.test(m[0]) ? null : { start: m.index, end: m.index + m[0].length }),
    },
  ),
  patternDetector(
    'prompt_injection.no_restrictions',
    phrases(
      `pretend (?:that )?(?:you )?(?:have|are|had) (?:no|without any|free of) (?:(?:ethical|moral|content|safety|any) )?(?:restrictions|limits|limitations|rules|filters|guidelines|boundaries|constraints|censorship|ethics)`,
      `you (?:have|are under) no (?:(?:ethical|moral|content|safety) )?(?:restrictions|limitations|filters|guidelines|rules|censorship)`,
      `you are free (?:of|from) (?:all|any) (?:(?:ethical|moral|content|safety) )?(?:restrictions|limitations|filters|guidelines|rules)`,
      `(?:are|is) no longer bound by`,
      `(?:bypass|disable|turn off|ignore) (?:(?:all|any|your|the) )?(?:safety|content|ethical|moderation) (?:filters?|guidelines|rules|restrictions|policies|protocols)`,
    ),
    { hint: /restriction|limits\b|limitation|rules|filter|guideline|boundaries|constraint|censorship|ethics|bound\s+by|policies|protocol/i },
  ),
  patternDetector(
    'prompt_injection.template_tokens',
    /<\|(?:im_start|im_end|system|endoftext|begin_of_text|start_header_id|end_header_id|eot_id)\|>|\[\/?INST\]|<<\/?SYS>>/gi,
    { hint: /<\||INST\]|SYS>>/i },
  ),
];
