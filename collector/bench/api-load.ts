/**
 * The load side of bench:api and bench:api-mixed, in its own process, in one of two modes:
 * - open loop (`rate`): requests at a fixed arrival rate, each sent at its scheduled time
 *   whether or not earlier ones answered, latency measured from the scheduled time, so a slow
 *   server cannot hide its queue;
 * - closed loop (`clients`): that many clients, each sending its next request when the previous
 *   one answered, cycling through the routes in turn; latency from the send.
 *   argv: <json {routes: {name, urls}[], rate | clients, seconds, headers}>
 * Prints one result per route: requests, errors (any status but 200, or no answer), p50/p90/p99/max ms.
 */
import { Agent, request } from 'node:http';

export interface LoadJob {
  routes: { name: string; urls: string[] }[];
  /** Open loop: requests per second over all routes. */
  rate?: number;
  /** Closed loop: concurrent clients. */
  clients?: number;
  seconds: number;
  headers: Record<string, string>;
}
export interface RouteResult {
  name: string;
  requests: number;
  errors: number;
  achievedRate: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

async function main() {
  const job = JSON.parse(process.argv[2]!) as LoadJob;
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const get = (url: string) =>
    new Promise<number>((resolve, reject) => {
      const req = request(url, { agent, headers: job.headers }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end();
    });
  const stats = job.routes.map(() => ({ latencies: [] as number[], errors: 0, sent: 0 }));
  // The i-th request overall goes to route i % routes, and to that route's urls in turn.
  let next = 0;
  const send = async (from: number) => {
    const r = next++ % job.routes.length;
    const route = job.routes[r]!;
    const s = stats[r]!;
    const url = route.urls[s.sent++ % route.urls.length]!;
    try {
      if ((await get(url)) !== 200) s.errors++;
    } catch {
      s.errors++;
    }
    s.latencies.push(performance.now() - from);
  };
  const started = performance.now();
  const end = started + job.seconds * 1000;
  if (job.clients) {
    const client = async () => {
      while (performance.now() < end) await send(performance.now());
    };
    await Promise.all(Array.from({ length: job.clients }, client));
  } else {
    const interval = 1000 / job.rate!;
    const inflight: Promise<void>[] = [];
    for (let i = 0; i < job.rate! * job.seconds; i++) {
      const due = started + i * interval;
      // Never early (timers may fire a little before their time): that would flatter the latency.
      for (let wait = due - performance.now(); wait > 0; wait = due - performance.now()) await new Promise((r) => setTimeout(r, Math.max(1, wait)));
      inflight.push(send(due));
    }
    await Promise.all(inflight);
  }
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  const results: RouteResult[] = job.routes.map((route, i) => {
    const { latencies, errors } = stats[i]!;
    latencies.sort((a, b) => a - b);
    const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
    return { name: route.name, requests: latencies.length, errors, achievedRate: latencies.length / elapsed, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: latencies.at(-1) ?? NaN };
  });
  process.stdout.write(JSON.stringify(results));
}

void main();
