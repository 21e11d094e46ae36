"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.freePort = exports.sampleTotal = void 0;
exports.until = until;
const node_net_1 = require("node:net");
/** Polls `fn` until it returns a value (not undefined); its errors count as "not yet". */
async function until(what, fn, timeoutMs = 60_000) {
    const deadline = Date.now() + timeoutMs;
    let last;
    for (;;) {
        try {
            const v = await fn();
            if (v !== undefined)
                return v;
        }
        catch (err) {
            last = err;
        }
        if (Date.now() > deadline)
            throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
        await new Promise((r) => setTimeout(r, 150));
    }
}
/** Sum of every sample of a metric in a Prometheus text exposition. */
const sampleTotal = (text, name) => text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .reduce((s, l) => s + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
exports.sampleTotal = sampleTotal;
/** A TCP port free on loopback right now. */
const freePort = () => new Promise((resolve, reject) => {
    const srv = (0, node_net_1.createServer)();
    srv.listen(0, '127.0.0.1', () => {
        const port = srv.address().port;
        srv.close(() => resolve(port));
    });
    srv.on('error', reject);
});
exports.freePort = freePort;
//# sourceMappingURL=wait.js.map