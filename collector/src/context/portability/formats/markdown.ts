/**
 * The plain-text form the OPENAI and ANTHROPIC formats give an agent's items (an assistant's
 * instructions, a system prompt, a vector-store file), and its reading back. It is written to be
 * read by a model first, and parsed second:
 *
 *   ## Preferences                  a section: the items' type (in a file, the file name says it)
 *   - **response_format**: Bullet points, short.     one entry: its key in bold, then its content
 *   - Cite the policy number.                        an entry without a key
 *     a second line of the same entry                (continuation lines are indented two spaces)
 *   ### For user "u-42"             the entries that follow are about this user (JSON-quoted)
 *
 * Only type, key, user and content travel this way; confidence, validity, tags and metadata
 * need ARM_NATIVE or JSON.
 */
import type { ContextType } from '@ai-arm/schemas';

export interface TextEntry {
  type: ContextType;
  key: string | null;
  userId: string | null;
  content: string;
}

export const SECTION: Record<ContextType, string> = { INSTRUCTION: 'Instructions', PREFERENCE: 'Preferences', FACT: 'Facts', INTENT: 'Intents', CONVERSATION: 'Conversations' };
const BY_SECTION = new Map(Object.entries(SECTION).map(([type, title]) => [title.toLowerCase(), type as ContextType]));
/** The section heading's type (any case), or undefined for a heading this format does not know. */
export const typeOfSection = (title: string): ContextType | undefined => BY_SECTION.get(title.trim().toLowerCase());

const KEYED = /^\*\*([^*\n]+)\*\*:[ \t]?/;

/** One entry as a list item: `- **key**: content`, later lines indented. */
export function entryText(e: { key: string | null; content: string }): string {
  const lines = e.content.replace(/\r\n?/g, '\n').split('\n');
  let first = lines[0]!;
  // A keyless content that would read as keyed (or starts with the escape itself) is escaped.
  if (e.key !== null && !/[*\n]/.test(e.key)) first = `**${e.key}**: ${first}`;
  else if (KEYED.test(first) || first.startsWith('\\')) first = `\\${first}`;
  return [`- ${first}`, ...lines.slice(1).map((l) => `  ${l}`)].join('\n');
}

/** Entries of one type: agent-wide first, then each user's under `### For user "<id>"`, in the given order. */
export function entriesText(entries: readonly { key: string | null; userId: string | null; content: string }[]): string {
  const out: string[] = entries.filter((e) => e.userId === null).map(entryText);
  const users = [...new Set(entries.filter((e) => e.userId !== null).map((e) => e.userId!))];
  for (const u of users) {
    if (out.length) out.push('');
    out.push(`### For user ${JSON.stringify(u)}`, ...entries.filter((e) => e.userId === u).map(entryText));
  }
  return out.join('\n');
}

/** Sections (`## Instructions`, `## Preferences`, ...) for the types given, in that order, each only if it has entries. */
export function sectionsText(entries: readonly TextEntry[], types: readonly ContextType[]): string {
  return types
    .map((t) => entries.filter((e) => e.type === t))
    .filter((list) => list.length > 0)
    .map((list) => `## ${SECTION[list[0]!.type]}\n${entriesText(list)}`)
    .join('\n\n');
}

/** What parsing finds: entries, or for a line that cannot be one, why (by its 1-based line number). */
export type ParsedEntry = { entry: TextEntry; line: number } | { error: string; line: number };

/**
 * Reads entries back. `fixedType`: the file's type (a vector-store file); otherwise level-2
 * headings set it and entries outside a known section are reported. A paragraph of prose (not
 * starting with `- `) is one entry too, so hand-written text is not lost.
 */
export function parseEntries(text: string, fixedType: ContextType | null): ParsedEntry[] {
  const out: ParsedEntry[] = [];
  let type: ContextType | null | undefined = fixedType ?? null;
  let section = '';
  let userId: string | null = null;
  let userError: string | null = null;
  let current: { lines: string[]; line: number; prose: boolean } | null = null;
  let blanks = 0;
  const flush = () => {
    if (!current) return;
    const c = current;
    current = null;
    if (userError) return void out.push({ error: userError, line: c.line });
    if (!type) return void out.push({ error: fixedType === null && section ? `the section "${section}" is not one of ${Object.values(SECTION).join(', ')}` : `the entry is not under a section heading (${Object.values(SECTION).map((s) => `## ${s}`).join(', ')})`, line: c.line });
    let first = c.lines[0]!;
    let key: string | null = null;
    const keyed = KEYED.exec(first);
    if (first.startsWith('\\')) first = first.slice(1);
    else if (keyed) {
      key = keyed[1]!.trim();
      first = first.slice(keyed[0].length);
    }
    const content = [first, ...c.lines.slice(1)].join('\n');
    if (content.trim() === '') return void out.push({ error: 'the entry has no content', line: c.line });
    out.push({ entry: { type, key: key === '' ? null : key, userId, content }, line: c.line });
  };
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  lines.forEach((line, i) => {
    const n = i + 1;
    const heading = /^(#{1,6})[ \t]+(.*?)[ \t#]*$/.exec(line);
    if (heading) {
      flush();
      const level = heading[1]!.length;
      const title = heading[2]!;
      if (level <= 2 && fixedType === null) {
        if (level === 2) {
          section = title;
          type = typeOfSection(title);
        }
        userId = null;
        userError = null;
      } else if (level <= 2) {
        userId = null; // a file's title
        userError = null;
      } else {
        const who = /^For user (.+)$/i.exec(title);
        userError = null;
        if (!who) userId = null;
        else {
          try {
            const parsed = JSON.parse(who[1]!) as unknown;
            if (typeof parsed !== 'string' || parsed === '') throw new Error();
            userId = parsed;
          } catch {
            userId = null;
            userError = `the heading on line ${n} names its user as a JSON string, e.g. For user "u-42"`;
          }
        }
      }
      blanks = 0;
      return;
    }
    if (line.trim() === '') {
      if (current?.prose) flush();
      else blanks++;
      return;
    }
    if (line.startsWith('- ') || line === '-') {
      flush();
      current = { lines: [line.slice(2)], line: n, prose: false };
    } else if (current && !current.prose && line.startsWith('  ')) {
      for (; blanks > 0; blanks--) current.lines.push('');
      current.lines.push(line.slice(2));
    } else if (current?.prose) current.lines.push(line);
    else {
      flush();
      current = { lines: [line], line: n, prose: true };
    }
    blanks = 0;
  });
  flush();
  return out;
}
