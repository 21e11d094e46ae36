import { extractByRules, sentencesOf, type ExtractedItem } from '../../src/context/extract/rules';
import { turnsOf, userOf } from '../../src/context/extract/turns';

const user = (text: string) => extractByRules([{ role: 'user', text }]);
const answer = (text: string) => extractByRules([{ role: 'assistant', text }]);
const brief = (items: ExtractedItem[]) => items.map((i) => [i.type, i.content, i.key]);

describe('the rules extractor', () => {
  it.each([
    ['My order number is 4471.', "The user's order number is 4471"],
    ['Hi, my order # is A-88123 and it is late', "The user's order number is A-88123"],
    ['our account id: ACC2291', "The user's account number is ACC2291"],
    ['my ticket number is 55012', "The user's ticket number is 55012"],
    ['I live in Berlin.', 'The user lives in Berlin'],
    ['We are based in San Francisco, and we ship worldwide', 'The user lives in San Francisco'],
    ['Our plan is Enterprise.', "The user's plan is Enterprise"],
    ["We're on the Pro plan", "The user's plan is Pro"],
    ['I work at Acme Robotics', 'The user works at Acme Robotics'],
    ['My email is Sam.Jones@example.com', "The user's email address is sam.jones@example.com"],
    ['my phone number is +44 20 7946 0958', "The user's phone number is +44 20 7946 0958"],
    ['My name is Samantha Jones', "The user's name is Samantha Jones"],
    ["I'm a software engineer", 'The user is a software engineer'],
    ['My timezone is Europe/Berlin', "The user's time zone is Europe/Berlin"],
  ])('finds the fact in %j', (text, content) => {
    const facts = user(text).filter((i) => i.type === 'FACT');
    expect(facts.map((f) => f.content)).toEqual([content]);
    expect(facts[0]!.key).toBeNull();
    expect(facts[0]!.confidence).toBeGreaterThanOrEqual(0.75);
    expect(facts[0]!.tags).toHaveLength(1);
  });

  it.each([
    'What is my order number?',
    'Is my order number 4471?',
    'My order number is wrong',
    "I don't live in Berlin anymore, I think",
    'I used to live in Berlin',
    'I live in a small flat',
    'If I lived in Berlin, what would change?',
    'Our plan is not working out',
    'our plan is to migrate next year',
    'Where do you live?',
    'My name is not important',
    "I'm a bit confused",
    'My email is broken',
    'Do you work at Acme?',
  ])('finds no fact in %j', (text) => {
    expect(user(text).filter((i) => i.type === 'FACT')).toEqual([]);
  });

  it.each([
    ['Please answer in French.', 'Answer in French', 'language'],
    ['Can you reply in german?', 'Answer in German', 'language'],
    ['I prefer Spanish', 'Answer in Spanish', 'language'],
    ['In Japanese please', 'Answer in Japanese', 'language'],
    ['Keep it short.', 'Keep answers short', 'response_length'],
    ['please be concise', 'Keep answers short', 'response_length'],
    ['Shorter answers please, this is too long', 'Keep answers short', 'response_length'],
    ['Explain it in more detail', 'Give detailed answers', 'response_length'],
    ['Use bullet points.', 'Use bullet points', 'response_format'],
    ['Could you give me the steps as a numbered list?', 'Use numbered lists', 'response_format'],
    ['Bullet points please', 'Use bullet points', 'response_format'],
    ['Call me Sam.', 'Call the user Sam', 'name'],
    ['You can call me Alex', 'Call the user Alex', 'name'],
    ['Please be more formal', 'Use a formal tone', 'tone'],
    ['I prefer to be contacted by email', 'Contact the user by email', 'contact_channel'],
    ['Use metric units', 'Use metric units', 'units'],
  ])('finds the preference in %j', (text, content, key) => {
    const prefs = user(text).filter((i) => i.type === 'PREFERENCE');
    expect(brief(prefs)).toEqual([['PREFERENCE', content, key]]);
  });

  it.each([
    'How do you say hello in French?',
    'Translate this into French',
    "Don't answer in French",
    'The short answer is no',
    'I wrote a short story',
    'The bullet points above are wrong',
    'Please call me back tomorrow',
    'Call me Monday',
    'Call me when it ships',
    'My French is rusty',
    'Is there a table of prices?',
    'I went to a formal dinner',
  ])('finds no preference in %j', (text) => {
    expect(user(text).filter((i) => i.type === 'PREFERENCE')).toEqual([]);
  });

  it.each([
    ['Always cc billing@acme.com on invoices.', 'Always cc billing@acme.com on invoices', 'cc'],
    ['Never mention competitors.', 'Never mention competitors', 'mention:competitors'],
    ['Please never share my phone number', 'Never share my phone number', 'share:phone'],
    ['From now on, include the order number in every reply', 'Always include the order number in every reply', 'include:order'],
    ["Don't ever recommend the Basic plan", 'Never recommend the Basic plan', 'recommend:basic'],
    ['Do not contact my manager', 'Never contact my manager', 'contact:manager'],
    ['Going forward, sign off as Team Acme', 'Always sign off as Team Acme', 'sign:off'],
  ])('finds the instruction in %j', (text, content, key) => {
    expect(brief(user(text))).toEqual([['INSTRUCTION', content, key]]);
  });

  it.each([
    'I never received my order',
    'Never mind, it works now',
    'It always crashes on start',
    'Always the same problem with you',
    "Don't worry about it",
    "Don't mention it",
    'You never answer my emails',
    'I always pay on time',
  ])('finds no instruction in %j', (text) => {
    expect(user(text).filter((i) => i.type === 'INSTRUCTION')).toEqual([]);
  });

  it.each([
    ['I want a refund for order 4471', 'refund'],
    ['Can I get my money back?', 'refund'],
    ['Please refund me', 'refund'],
    ['I forgot my password', 'reset_password'],
    ['How do I reset my password?', 'reset_password'],
    ["I can't log in", 'account_access'],
    ['I want to cancel my subscription', 'cancel_subscription'],
    ['Please cancel the order I placed yesterday', 'cancel_order'],
    ["Where's my package?", 'track_order'],
    ['I was charged twice this month', 'billing_issue'],
    ['Let me speak to a human', 'human_agent'],
    ['I would like to upgrade to the Pro plan', 'change_plan'],
    ['The export button is not working', 'technical_issue'],
  ])('finds the intent in %j', (text, intent) => {
    const intents = user(text).filter((i) => i.type === 'INTENT');
    expect(intents.map((i) => i.tags[0])).toEqual([intent]);
    expect(intents[0]!.content).toMatch(/^The user /);
  });

  it.each([
    "I don't want a refund",
    'What is your refund policy?',
    'No need to cancel my subscription',
    'The password field is on the left',
    'My order arrived, thanks',
    'I never asked for a refund',
  ])('finds no intent in %j', (text) => {
    expect(user(text).filter((i) => i.type === 'INTENT')).toEqual([]);
  });

  it('reads facts about the user in answers, less surely, and nothing else there', () => {
    const found = answer('Your order number is 4471 and your plan is Enterprise. Always cc billing@acme.com. I want a refund.');
    expect(brief(found)).toEqual([
      ['FACT', "The user's order number is 4471", null],
      ['FACT', "The user's plan is Enterprise", null],
    ]);
    expect(found[0]!.confidence).toBeCloseTo(0.72);
    expect(answer('My order number is 4471.')).toEqual([]);
  });

  it('finds several items in one message and keeps one of each', () => {
    const found = user('Hi, my name is Dana Smith. I live in Berlin. Please answer in French and keep it short. I live in Berlin!');
    expect(brief(found).sort()).toEqual(
      [
        ['FACT', "The user's name is Dana Smith", null],
        ['FACT', 'The user lives in Berlin', null],
        ['PREFERENCE', 'Answer in French', 'language'],
        ['PREFERENCE', 'Keep answers short', 'response_length'],
      ].sort(),
    );
  });

  it('cuts sentences and keeps question marks', () => {
    expect(sentencesOf('One. Two? Three!\nFour')).toEqual(['One.', 'Two?', 'Three!', 'Four']);
  });
});

describe('turns and users of stored content', () => {
  it('reads user messages and answers from the shapes the push path keeps, leaving out system and tools', () => {
    const content = {
      system: 'Always answer in German.',
      input: [
        { role: 'system', content: 'Never mention competitors.' },
        { role: 'user', parts: [{ type: 'text', content: 'I live in Berlin.' }, { type: 'image', content: 'x' }] },
        { role: 'tool', parts: [{ type: 'tool_call_response', response: 'My order number is 1234' }] },
        { role: 'assistant', content: [{ type: 'text', text: 'Noted.' }] },
        { role: 'user', content: 'Call me Sam.' },
      ],
      output: [{ role: 'assistant', parts: [{ type: 'text', content: 'Your plan is Pro.' }] }],
    };
    expect(turnsOf(JSON.stringify(content))).toEqual([
      { role: 'user', text: 'I live in Berlin.' },
      { role: 'assistant', text: 'Noted.' },
      { role: 'user', text: 'Call me Sam.' },
      { role: 'assistant', text: 'Your plan is Pro.' },
    ]);
    expect(turnsOf({ input: 'Keep it short', output: 'OK' })).toEqual([
      { role: 'user', text: 'Keep it short' },
      { role: 'assistant', text: 'OK' },
    ]);
    expect(turnsOf('')).toEqual([]);
    expect(turnsOf('{not json')).toEqual([]);
    expect(turnsOf({ system: 'Always be formal.' })).toEqual([]);
  });

  it("names the end user from the interaction's enduser.id or user.id attribute, else nobody", () => {
    expect(userOf({ 'enduser.id': 'u-42' })).toBe('u-42');
    expect(userOf({ 'user.id': ' u-7 ' })).toBe('u-7');
    expect(userOf({ 'otel.scope.name': 'openai' })).toBeNull();
    expect(userOf(undefined)).toBeNull();
  });
});
