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

/** Parses `90d`, `12h`, `2w` or an RFC 3339 instant into unix seconds before `now`. */
export function parseSince(since: string, now: number): number {
  const m = /^(\d+)([hdw])$/.exec(since.trim());
  if (m) return now - Number(m[1]) * { h: 3600, d: 86400, w: 604800 }[m[2] as 'h' | 'd' | 'w'];
  const t = Date.parse(since);
  if (Number.isNaN(t)) throw new Error(`--since must look like 90d, 12h, 2w or an RFC 3339 time (got "${since}")`);
  return Math.floor(t / 1000);
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
    const current = this.jobs.get(connectionId);
    if (current?.status === 'running') return current;
    const conn = this.poller.connections.find((c) => c.id === connectionId);
    if (!conn) throw new Error(`no connection ${connectionId}`);
    const from = parseSince(since, now);
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
