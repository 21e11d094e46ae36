import type { Logger } from 'pino';
import { asTenant } from '../stores/tenant-scope';

export interface BackgroundQueueOptions {
  /** Names the work in logs: "grounding", "context". */
  name: string;
  /** What is skipped on a full queue, in the warning: "sampled interaction(s) not checked". */
  skipped: string;
  /** What failed, in the error log: "sampled check failed". */
  failed: string;
  concurrency: number;
  /** Most waiting; beyond it work is skipped (the push path never waits). */
  capacity: number;
  log: Logger;
}

/**
 * Work the push path hands off (grounding checks on a sample, context extraction): run in the
 * caller's organisation scope, a few at a time, each in a turn of its own so the request that
 * pushed the interaction is not held; a full queue skips work and warns at most once a minute
 * with the count; errors are logged, never thrown back; a shutdown drops what still waits.
 */
export class BackgroundQueue {
  private readonly queue: (() => Promise<void>)[] = [];
  private active = 0;
  private idleWaiters: (() => void)[] = [];
  private dropped = 0;
  private droppedLoggedAtMs = 0;
  private closed = false;

  constructor(private readonly o: BackgroundQueueOptions) {}

  get isClosed(): boolean {
    return this.closed;
  }

  /** Queues work for the organisation; false when it was skipped (closed, or the queue is full). */
  push(organizationId: string, interactionId: string, work: () => Promise<void>): boolean {
    if (this.closed) return false;
    if (this.queue.length >= this.o.capacity) {
      this.dropped++;
      const nowMs = Date.now();
      if (nowMs - this.droppedLoggedAtMs >= 60_000) {
        this.o.log.warn({ organization_id: organizationId, interaction_id: interactionId, skipped: this.dropped }, `${this.o.name}: the queue is full (${this.o.capacity} waiting); ${this.dropped} ${this.o.skipped} since the last warning`);
        this.dropped = 0;
        this.droppedLoggedAtMs = nowMs;
      }
      return false;
    }
    this.queue.push(() => asTenant(organizationId, work).catch((err: Error) => this.o.log.error({ err: err.message, organization_id: organizationId, interaction_id: interactionId }, `${this.o.name}: ${this.o.failed}`)));
    this.pump();
    return true;
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (this.active === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Takes no more work, drops what is still waiting (best-effort work: a shutdown is not held for
   * a queue of it) and waits for what is running.
   */
  async close(): Promise<void> {
    this.closed = true;
    const dropped = this.queue.splice(0).length;
    if (dropped > 0) this.o.log.info({ dropped }, `${this.o.name}: ${dropped} queued item(s) left undone at shutdown`);
    await this.idle();
  }

  private pump(): void {
    while (this.active < this.o.concurrency && this.queue.length > 0) {
      const next = this.queue.shift()!;
      this.active++;
      setImmediate(() => {
        void next().finally(() => {
          this.active--;
          this.pump();
          if (this.active === 0 && this.queue.length === 0) for (const w of this.idleWaiters.splice(0)) w();
        });
      });
    }
  }
}
