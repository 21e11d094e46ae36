import type { Poller } from './poller';
import type { FeedProgress } from './reports';

export interface BackfillState {
  connectionId: string;
  vendor: string;
  status: 'running' | 'done' | 'failed';
  since: string;
  startedAt: string;
  finishedAt: string | null;
  /** 0-1 across every feed of the connection. */
  progress: number;
  etaSeconds: number | null;
  rows: number;
  feeds: FeedProgress[];
  error: string | null;
}

/** No vendor's usage API has anything before this: an earlier `since` is a typo, not history. */
export const EARLIEST_HISTORY = Date.UTC(2020, 0, 1) / 1000;

const FORMS = '90d, 12h, 2w or an RFC 3339 time such as 2026-11-01 or 2026-11-01T00:00:00Z';
const DURATION = /^(\d{1,7})([hdw])$/;
// A day, or a day and a time with its zone; the fields are checked for range below.
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/i;

/**
 * Parses `90d`, `12h`, `2w`, a day (`2026-11-01`, midnight UTC) or an RFC 3339 instant into
 * unix seconds before `now`. Anything else, and a time that is not in the past or is before
 * EARLIEST_HISTORY, is refused: `Date.parse` would read "1" as 2001.
 */
export function parseSince(since: string, now: number): number {
  const text = since.trim();
  let at: number;
  const d = DURATION.exec(text);
  if (d) {
    if (Number(d[1]) === 0) throw new Error(`--since ${since} covers no time: give a duration above zero`);
    at = now - Number(d[1]) * { h: 3600, d: 86400, w: 604800 }[d[2] as 'h' | 'd' | 'w'];
  } else {
    const m = INSTANT.exec(text);
    if (!m) throw new Error(`--since must look like ${FORMS} (got "${since}")`);
    const [, y, mo, day, h = '00', mi = '00', s = '00'] = m;
    const ms = Date.parse(m[4] === undefined ? `${text}T00:00:00Z` : text);
    const calendar = new Date(0);
    calendar.setUTCFullYear(Number(y), Number(mo) - 1, Number(day)); // Date.UTC would read year 0-99 as 1900-1999
    if (Number.isNaN(ms) || calendar.getUTCFullYear() !== Number(y) || calendar.getUTCMonth() !== Number(mo) - 1 || calendar.getUTCDate() !== Number(day) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
      throw new Error(`--since ${since} is not a real date and time (${FORMS})`);
    }
    at = Math.floor(ms / 1000);
  }
  if (at >= now) throw new Error(`--since ${since} is not in the past`);
  if (at < EARLIEST_HISTORY) throw new Error(`--since ${since} is before ${new Date(EARLIEST_HISTORY * 1000).toISOString().slice(0, 10)}, earlier than any vendor's usage history`);
  return at;
}

/** Fraction done and an ETA from how fast it has gone so far. */
export function measure(feeds: FeedProgress[], elapsedSeconds: number): { progress: number; etaSeconds: number | null } {
  const total = feeds.reduce((n, f) => n + Math.max(0, f.to - f.from), 0);
  const done = feeds.reduce((n, f) => n + Math.max(0, f.reached - f.from), 0);
  const progress = total > 0 ? Math.min(1, done / total) : 0;
  return { progress, etaSeconds: progress > 0 && progress < 1 ? Math.round((elapsedSeconds * (1 - progress)) / progress) : progress >= 1 ? 0 : null };
}

/** Backfills run in the collector, one per connection at a time, watched through the API. */
export class BackfillJobs {
  private readonly jobs = new Map<string, BackfillState>();

  constructor(private readonly poller: Poller) {}

  get(connectionId: string): BackfillState | undefined {
    return this.jobs.get(connectionId);
  }

  /** Starts a backfill; returns the running one if there is one already. */
  start(connectionId: string, since: string, now = Math.floor(Date.now() / 1000)): BackfillState {
    // Checked first: a bad `since` is refused whether or not a backfill is running.
    const from = parseSince(since, now);
    const current = this.jobs.get(connectionId);
    if (current?.status === 'running') return current;
    const conn = this.poller.connections.find((c) => c.id === connectionId);
    if (!conn) throw new Error(`no connection ${connectionId}`);
    const started = Date.now();
    const feeds = new Map<string, FeedProgress>();
    const state: BackfillState = {
      connectionId, vendor: conn.vendor, status: 'running', since, startedAt: new Date(started).toISOString(), finishedAt: null,
      progress: 0, etaSeconds: null, rows: 0, feeds: [], error: null,
    };
    const update = (p: FeedProgress) => {
      feeds.set(p.feed, p);
      state.feeds = [...feeds.values()];
      state.rows = state.feeds.reduce((n, f) => n + f.rows, 0);
      Object.assign(state, measure(state.feeds, (Date.now() - started) / 1000));
    };
    this.jobs.set(connectionId, state);
    void this.poller.reports(conn, { since: from, onProgress: update }).then(
      (done) => {
        done.forEach(update);
        Object.assign(state, { status: 'done', progress: 1, etaSeconds: 0, finishedAt: new Date().toISOString() });
      },
      (err: unknown) => Object.assign(state, { status: 'failed', error: (err as Error).message, finishedAt: new Date().toISOString() }),
    );
    return state;
  }
}
