// A TCP relay to a unix socket or a local TCP port that the tests control: forward, swallow everything (a host
// that went silent), or cut every connection (a host or network that died mid-call).

import net from 'node:net';

export type ProxyMode = 'forward' | 'blackhole';

export interface TestProxy {
  readonly port: number;
  setMode(mode: ProxyMode): void;
  /** Destroys every relayed connection on both sides. */
  cutAll(): void;
  close(): Promise<void>;
}

export async function startProxy(target: { path: string } | { port: number }): Promise<TestProxy> {
  let mode: ProxyMode = 'forward';
  const pairs = new Set<[net.Socket, net.Socket]>();
  const server = net.createServer((client) => {
    const upstream = 'path' in target ? net.connect({ path: target.path }) : net.connect({ host: '127.0.0.1', port: target.port });
    const pair: [net.Socket, net.Socket] = [client, upstream];
    pairs.add(pair);
    const relay = (from: net.Socket, to: net.Socket): void => {
      from.on('data', (chunk: Buffer) => {
        if (mode === 'forward') to.write(chunk);
      });
      from.on('close', () => {
        to.destroy();
        pairs.delete(pair);
      });
      from.on('error', () => undefined);
    };
    relay(client, upstream);
    relay(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  const cutAll = (): void => {
    for (const [a, b] of pairs) {
      a.destroy();
      b.destroy();
    }
    pairs.clear();
  };
  return {
    port,
    setMode: (next) => {
      mode = next;
    },
    cutAll,
    close: async () => {
      cutAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
