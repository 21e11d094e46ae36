import { hash32 } from './random';

/**
 * What the demo agents answer, and what some of them retrieved first: so the quality figures
 * (refusal rate, answer length, consistency), the grounding checks (a tool result to check the
 * answer against; now and then an answer that says something the result does not) and answer
 * drift have content to read. Chosen by hash, not by the traffic's Rng, so the rest of the
 * traffic draws what it drew before.
 */
export interface DemoExchange {
  /** A retriever's or tool's result the agent answered from (an input message with role "tool"). */
  retrieved?: string;
  answer: string;
}

const ORDERS = ['4471', '5820', '6193', '7302'];
const DAYS = ['1 December 2026', '2 December 2026', '3 December 2026'];
const ARRIVALS = ['4 December 2026', '5 December 2026', '7 December 2026'];

/** By question (agent-traffic's QUESTIONS, in order) and for the card message; h picks the variant. */
const EXCHANGES: ((h: number) => DemoExchange)[] = [
  (h) => {
    const order = ORDERS[h % ORDERS.length]!;
    const shipped = DAYS[(h >>> 3) % DAYS.length]!;
    const due = ARRIVALS[(h >>> 5) % ARRIVALS.length]!;
    // One answer in six gives a delivery date the tracking result does not say.
    const said = (h >>> 8) % 6 === 0 ? ARRIVALS[((h >>> 5) + 1) % ARRIVALS.length]! : due;
    return { retrieved: `Order ${order} shipped on ${shipped} with DHL. Expected delivery: ${due}.`, answer: `Your order ${order} shipped on ${shipped} with DHL and should arrive on ${said}.` };
  },
  () => ({ answer: '- Revenue grew in every region this quarter.\n- Costs stayed flat.\n- The report recommends hiring two more support agents.' }),
  (h) => {
    // One in five states an amount the invoice does not hold.
    const amount = (h >>> 4) % 5 === 0 ? '$59.00' : '$49.00';
    return {
      retrieved: 'Invoice 2211: two charges of $49.00 on 3 December 2026. The second charge was refunded on 4 December 2026.',
      answer: `You were charged ${amount} twice on 3 December 2026. The second charge was refunded on 4 December 2026.`,
    };
  },
  () => ({ answer: 'Open Settings, choose Security, then Reset password. We will e-mail you a link that is valid for 30 minutes.' }),
  (h) => ({
    retrieved: 'Single sign-on is included in the Enterprise plan. The Team plan does not include single sign-on.',
    // One in four claims a plan the pricing page does not name.
    answer: (h >>> 6) % 4 === 0 ? 'Single sign-on is included in the Business plan and the Enterprise plan.' : 'Single sign-on is included in the Enterprise plan.',
  }),
  (h) =>
    // One in four drafts is declined: the refusal rate has something to count.
    (h >>> 2) % 4 === 0
      ? { answer: "I'm sorry, but I can't draft a reply without the customer's message. Please paste it and I will help." }
      : { answer: 'Dear customer, thank you for your message. We have looked into your request and will get back to you within one business day. Kind regards, the support team' },
];

const CARD_ANSWER: DemoExchange = { answer: "I can't take card numbers in chat. Please remove it and use the Billing page to ask for a refund." };

/** The exchange of one turn: question index i of the demo's questions, or the card message (i = -1). */
export function demoExchange(agentName: string, conversationId: string, turn: number, question: number): DemoExchange {
  if (question < 0) return CARD_ANSWER;
  return EXCHANGES[question % EXCHANGES.length]!(hash32(agentName, conversationId, turn, 'answer'));
}
