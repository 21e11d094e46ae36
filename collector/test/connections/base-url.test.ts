import { createServer, type Server } from 'node:http';
import { Writable } from 'node:stream';
import pino from 'pino';
import { runtimeConnection } from '../../src/poller/connections';
import { Poller } from '../../src/poller/poller';
import { storeConnection } from '../../src/poller/stored-connections';
import { CredentialVault } from '../../src/security/envelope-crypto';
import { asTenant } from '../../src/stores/tenant-scope';
import { authedApp } from '../api/support';
import type { Config } from '../../src/config/env';
import { testConfig, testMetrics } from '../support/stores';
import { systemDb } from '../support/system-db';

const MASTER_KEY = 'c'.repeat(64);
const ADMIN_KEY = 'sk-admin-baseurl0123456789abcdef';
const OTHER_KEY = 'sk-admin-baseurl-rotated-0000000';

/** A stand-in vendor on loopback that answers 401 to everything and keeps what reached it. */
async function captureServer() {
  const received: string[] = [];
  const server: Server = createServer((req, res) => {
    received.push(`${req.method} ${req.url}`);
    res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":{"message":"no"}}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as { port: number }).port, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Every message along an error's causes. */
const messages = (err: unknown): string => {
  const out: string[] = [];
  for (let e = err as { message?: string; cause?: unknown } | undefined, i = 0; e && i < 10; e = e.cause as typeof e, i++) out.push(String(e.message));
  return out.join(' <- ');
};

type T = Awaited<ReturnType<typeof authedApp>>;

/** A connection stored as one made before baseUrl was checked (storeConnection, as the connections API did). */
const storedBefore = (t: T, baseUrl: string, name = 'stored earlier') =>
  asTenant(t.org, () => storeConnection(t.stores.controlPlane, new CredentialVault(t.stores.controlPlane, Buffer.from(MASTER_KEY, 'hex')), { organizationId: t.org, vendor: 'OPENAI', name, adminKey: ADMIN_KEY, baseUrl }));

/** A poller over the app's stores whose log lines are kept, its connections made as server.ts makes them. */
function pollerOf(t: T, config: Config) {
  const lines: string[] = [];
  const log = pino({ level: 'debug' }, new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
  const { metrics } = testMetrics();
  const poller = new Poller({ config, stores: t.stores, metrics, log }, []);
  const connect = (id: string, baseUrl: string) => runtimeConnection({ id, organizationId: t.org, vendor: 'OPENAI', adminKey: ADMIN_KEY, baseUrl, source: 'api' }, metrics, 0, undefined, config.vendorHosts);
  return { poller, connect, logs: () => lines.join('') };
}

describe('a baseUrl with a proxy password or token is never shown (default ARM_VENDOR_HOSTS: loopback permitted)', () => {
  const env = { ARM_MASTER_KEY: MASTER_KEY };
  let t: T;
  let capture: Awaited<ReturnType<typeof captureServer>>;
  let secretUrl: string;
  beforeAll(async () => {
    capture = await captureServer();
    secretUrl = `http://proxyuser:s3cret@127.0.0.1:${capture.port}/v1?token=t0k3n`;
    t = await authedApp(env);
  });
  afterAll(async () => {
    await t.close();
    await capture.close();
  });
  const audits = async (action: string) => JSON.stringify((await t.call(t.admin, { url: `/api/v1/governance/audit?action=${action}&limit=1000` })).body.data);

  it('a failed check on create answers without the password or token', async () => {
    const res = await t.call(t.admin, { method: 'POST', url: '/api/v1/connections', payload: { vendor: 'OPENAI', name: 'through a proxy', credentials: { adminKey: ADMIN_KEY }, baseUrl: secretUrl } });
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('VENDOR_ERROR');
    expect(res.body.error.message).toContain(`could not reach http://proxyuser:***@127.0.0.1:${capture.port}/v1?token=***`);
    expect(res.raw).not.toMatch(/s3cret|t0k3n/);
    expect(t.logs()).not.toMatch(/s3cret|t0k3n/);
  });

  it('a stored connection is listed, read, tested, renamed and audited with its baseUrl masked; sending the masked URL back keeps the stored one', async () => {
    const id = await storedBefore(t, secretUrl);
    const shownUrl = `http://proxyuser:***@127.0.0.1:${capture.port}/v1?token=***`;
    const listed = await t.call(t.admin, { url: '/api/v1/connections' });
    expect(listed.body.data.find((c: { id: string }) => c.id === id).baseUrl).toBe(shownUrl);
    const one = await t.call(t.admin, { url: `/api/v1/connections/${id}` });
    expect(one.body.data.baseUrl).toBe(shownUrl);
    const tested = await t.call(t.admin, { method: 'POST', url: `/api/v1/connections/${id}/test` });
    expect(tested.status).toBe(200);
    expect(tested.body.data).toEqual(expect.objectContaining({ ok: false, connectionStatus: 'ERROR' }));
    expect(tested.body.data.error).toContain(shownUrl);
    // A client that edits the form it filled from a GET sends the masked URL back.
    const renamed = await t.call(t.admin, { method: 'PATCH', url: `/api/v1/connections/${id}`, payload: { name: 'renamed', baseUrl: shownUrl } });
    expect(renamed.status).toBe(200);
    expect(renamed.body.data.baseUrl).toBe(shownUrl);
    const [row] = await systemDb(t.stores.controlPlane).query<{ base_url: string }>('SELECT base_url FROM connections WHERE id = $1', [id]);
    expect(row!.base_url).toBe(secretUrl);
    const deleted = await t.call(t.admin, { method: 'DELETE', url: `/api/v1/connections/${id}` });
    expect(deleted.status).toBe(200);
    for (const raw of [listed.raw, one.raw, tested.raw, renamed.raw, deleted.raw, await audits('connection.update'), await audits('connection.test'), await audits('connection.delete'), t.logs()]) expect(raw).not.toMatch(/s3cret|t0k3n/);
    // Nothing was sent: fetch refuses a URL with credentials.
    expect(capture.received).toEqual([]);
  });

  it("a poll of it fails without the password or token in the error, its causes, the stored last error or the poller's log", async () => {
    const id = await storedBefore(t, secretUrl, 'polled');
    const p = pollerOf(t, testConfig(env));
    const conn = p.connect(id, secretUrl);
    p.poller.add(conn);
    const failed = await p.poller.reports(conn).then(
      () => null,
      (err: unknown) => err,
    );
    expect(failed).not.toBeNull();
    // undici names the whole URL in the error the SDK keeps as its cause.
    expect(messages(failed)).toContain('127.0.0.1');
    expect(messages(failed)).not.toMatch(/s3cret|t0k3n/);
    await p.poller.runOnce().catch(() => undefined);
    p.poller.start();
    await p.poller.stop();
    const stored = await systemDb(t.stores.controlPlane).query<{ last_error: string | null }>('SELECT last_error FROM poll_watermarks WHERE connection_id = $1', [id]);
    expect(JSON.stringify(stored)).not.toMatch(/s3cret|t0k3n/);
    expect(p.logs()).not.toMatch(/s3cret|t0k3n/);
    expect((await t.call(t.admin, { url: `/api/v1/connections/${id}` })).raw).not.toMatch(/s3cret|t0k3n/);
  });

  it('refuses hosts outside ARM_VENDOR_HOSTS (an internal port, the cloud metadata address) with 400 naming baseUrl, before any request', async () => {
    for (const baseUrl of ['http://10.0.0.1:22/', 'http://169.254.169.254/latest/meta-data/']) {
      const started = Date.now();
      const res = await t.call(t.admin, { method: 'POST', url: '/api/v1/connections', payload: { vendor: 'OPENAI', name: 'probe', credentials: { adminKey: ADMIN_KEY }, baseUrl } });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ success: false, error: { code: 'VALIDATION_ERROR', message: expect.stringContaining('ARM_VENDOR_HOSTS'), details: { field: 'body/baseUrl' } } });
      expect(res.body.error.message).toMatch(/^baseUrl /);
      // Refused at once, not after a connection attempt.
      expect(Date.now() - started).toBeLessThan(2000);
    }
  });

  it('refuses file: and gopher: base URLs, on create and for a connection stored with one (test and poll), sending nothing', async () => {
    for (const baseUrl of ['file:///etc/passwd', `gopher://127.0.0.1:${capture.port}/_INFO`]) {
      const res = await t.call(t.admin, { method: 'POST', url: '/api/v1/connections', payload: { vendor: 'OPENAI', name: 'scheme', credentials: { adminKey: ADMIN_KEY }, baseUrl } });
      expect(res.status).toBe(400);
      expect(res.raw).toContain('baseUrl');
    }
    const gopher = `gopher://127.0.0.1:${capture.port}/_INFO`;
    const id = await storedBefore(t, gopher, 'gopher');
    const tested = await t.call(t.admin, { method: 'POST', url: `/api/v1/connections/${id}/test` });
    expect(tested.status).toBe(400);
    expect(tested.body.error).toEqual({ code: 'VALIDATION_ERROR', message: 'baseUrl must use http or https, not gopher', details: { field: 'baseUrl' } });
    const p = pollerOf(t, testConfig(env));
    const conn = p.connect(id, gopher);
    await expect(p.poller.reports(conn)).rejects.toThrow(/baseUrl must use http or https, not gopher; this connection is not polled until its baseUrl is changed/);
    expect(capture.received).toEqual([]);
  });
});

describe('ARM_VENDOR_HOSTS without loopback: nothing reaches a server on loopback', () => {
  const env = { ARM_MASTER_KEY: MASTER_KEY, ARM_VENDOR_HOSTS: 'api.openai.com,api.anthropic.com' };
  let t: T;
  let capture: Awaited<ReturnType<typeof captureServer>>;
  let url: string;
  beforeAll(async () => {
    capture = await captureServer();
    url = `http://127.0.0.1:${capture.port}/v1`;
    t = await authedApp(env);
  });
  afterAll(async () => {
    await t.close();
    await capture.close();
  });

  it('create, PATCH and test answer 400 naming baseUrl and ARM_VENDOR_HOSTS, and polling a connection stored earlier fails with why', async () => {
    const created = await t.call(t.admin, { method: 'POST', url: '/api/v1/connections', payload: { vendor: 'OPENAI', name: 'loopback', credentials: { adminKey: ADMIN_KEY }, baseUrl: url } });
    expect(created.status).toBe(400);
    expect(created.body.error).toEqual({ code: 'VALIDATION_ERROR', message: expect.stringMatching(/^baseUrl .*ARM_VENDOR_HOSTS/), details: { field: 'body/baseUrl' } });
    expect(created.body.error.message).toContain(`127.0.0.1:${capture.port}`);

    const id = await storedBefore(t, url);
    const tested = await t.call(t.admin, { method: 'POST', url: `/api/v1/connections/${id}/test` });
    expect(tested.status).toBe(400);
    expect(tested.body.error).toEqual({ code: 'VALIDATION_ERROR', message: expect.stringContaining('ARM_VENDOR_HOSTS'), details: { field: 'baseUrl' } });
    const rekeyed = await t.call(t.admin, { method: 'PATCH', url: `/api/v1/connections/${id}`, payload: { credentials: { adminKey: OTHER_KEY } } });
    expect(rekeyed.status).toBe(400);
    expect(rekeyed.body.error).toEqual({ code: 'VALIDATION_ERROR', message: expect.stringContaining('ARM_VENDOR_HOSTS'), details: { field: 'baseUrl' } });
    const moved = await t.call(t.admin, { method: 'PATCH', url: `/api/v1/connections/${id}`, payload: { baseUrl: `http://localhost:${capture.port}/v1` } });
    expect(moved.status).toBe(400);
    expect(moved.body.error.details).toEqual({ field: 'body/baseUrl' });
    // Renaming sends nothing, so it stays possible.
    expect((await t.call(t.admin, { method: 'PATCH', url: `/api/v1/connections/${id}`, payload: { name: 'renamed' } })).status).toBe(200);

    const p = pollerOf(t, testConfig(env));
    const conn = p.connect(id, url);
    p.poller.add(conn);
    await expect(p.poller.reports(conn)).rejects.toThrow(/ARM_VENDOR_HOSTS/);
    await expect(p.poller.runOnce()).rejects.toThrow(/ARM_VENDOR_HOSTS/);
    // On its timers the failure is logged and the poller carries on.
    p.poller.start();
    await p.poller.stop();
    expect(p.logs()).toMatch(/poll failed/);
    expect(p.logs()).toContain('ARM_VENDOR_HOSTS');
    expect(capture.received).toEqual([]);
  });
});
