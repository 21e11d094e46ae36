import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * Capture servers for the receivers no test can reach for real: one HTTP server answering as a
 * Slack incoming webhook (200 "ok") and as PagerDuty's Events API v2 (202 and its JSON), and a
 * real SMTP server (smtp-server) that keeps every mail it is given, parsed.
 */
export interface Captured {
  path: string;
  body: unknown;
}

export async function startHttpCapture(): Promise<{ url: string; requests: Captured[]; stop(): Promise<void> }> {
  const requests: Captured[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      let body: unknown = raw;
      try {
        body = JSON.parse(raw);
      } catch {
        // kept as text: the assertions will say what arrived
      }
      requests.push({ path: req.url ?? '', body });
      if (req.url?.startsWith('/v2/enqueue')) {
        res.writeHead(202, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: 'success', message: 'Event processed', dedup_key: (body as { dedup_key?: string }).dedup_key }));
      } else {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('ok');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface Mail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
}

export async function startSmtpCapture(): Promise<{ host: string; port: number; mails: Mail[]; stop(): Promise<void> }> {
  const mails: Mail[] = [];
  // Plain SMTP on loopback without authentication, as a local relay; the test config says require_tls: false.
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((m) => {
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: m.subject ?? '',
            text: m.text ?? '',
            html: typeof m.html === 'string' ? m.html : '',
          });
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: '127.0.0.1',
    port: (server.server.address() as AddressInfo).port,
    mails,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
