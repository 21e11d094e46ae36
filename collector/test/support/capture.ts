import { createServer, type Server } from 'node:http';

/**
 * An OTLP/HTTP receiver stand-in (no real one runs here): a capture server that keeps every
 * JSON body it receives, with its path (`/v1/logs`, `/v1/metrics`).
 */
export async function otlpCaptureServer() {
  const received: { path: string; body: unknown }[] = [];
  const server: Server = createServer((req, res) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(data) });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}
