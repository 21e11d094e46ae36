/**
 * The load side of bench:api, in its own process: requests at a fixed arrival rate (open
 * loop: each is sent at its scheduled time whether or not earlier ones answered), latency
 * measured from the scheduled time, so a slow server cannot hide its queue.
 *   argv: <json {urls: string[], rate: number, seconds: number, headers: object}>
 */
import { Agent, request } from 'node:http';

interface Job {
  urls: string[];
  rate: number;
  seconds: number;
  headers: Record<string, string>;
}

async function main() {
  const job = JSON.parse(process.argv[2]!) as Job;
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
  const total = job.rate * job.seconds;
  const interval = 1000 / job.rate;
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + i * interval;
    // Never early (timers may fire a little before their time): that would flatter the latency.
    for (let wait = due - performance.now(); wait > 0; wait = due - performance.now()) await new Promise((r) => setTimeout(r, Math.max(1, wait)));
    const url = job.urls[i % job.urls.length]!;
    inflight.push(
      get(url)
        .then((status) => {
          if (status !== 200) errors++;
          latencies.push(performance.now() - due);
        })
        .catch(() => void errors++),
    );
  }
  await Promise.all(inflight);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  const achieved = latencies.length / ((performance.now() - started) / 1000);
  process.stdout.write(JSON.stringify({ requests: latencies.length, errors, achievedRate: achieved, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: latencies.at(-1) ?? NaN }));
}

void main();
