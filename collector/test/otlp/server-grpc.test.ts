import { createServer } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { startCollector } from '../../src/server';
import { quietLogger, testConfig } from '../support/stores';
import { chatAttrs, encodeTraces } from './encode';

const KEY = `arm_sk_live_${'g'.repeat(40)}`;
const TRACE = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

function exportCall(port: number): Promise<number> {
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const md = new grpc.Metadata();
  md.set('authorization', `Bearer ${KEY}`);
  return new Promise<number>((resolve) => {
    client.makeUnaryRequest(TRACE, (b: Buffer) => b, (b: Buffer) => b, encodeTraces([{ attributes: chatAttrs({ 'gen_ai.agent.name': 'grpc-lifecycle' }) }]), md, { deadline: Date.now() + 5000 }, (err) => {
      client.close();
      resolve(err ? err.code : grpc.status.OK);
    });
  });
}

describe('the collector starts the OTLP/gRPC receiver on ARM_OTLP_GRPC_PORT and stops it on close', () => {
  it('takes exports while running, refuses connections after close', async () => {
    const port = await freePort();
    const collector = await startCollector(testConfig({ ARM_HOST: '127.0.0.1', ARM_OTLP_GRPC_PORT: String(port), ARM_BOOTSTRAP_API_KEY: KEY }), quietLogger());
    try {
      expect(await exportCall(port)).toBe(grpc.status.OK);
    } finally {
      await collector.close();
    }
    expect(await exportCall(port)).toBe(grpc.status.UNAVAILABLE);
  });
});
