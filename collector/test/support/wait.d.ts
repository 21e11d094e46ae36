/** Polls `fn` until it returns a value (not undefined); its errors count as "not yet". */
export declare function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs?: number): Promise<T>;
/** Sum of every sample of a metric in a Prometheus text exposition. */
export declare const sampleTotal: (text: string, name: string) => number;
/** A TCP port free on loopback right now. */
export declare const freePort: () => Promise<number>;
