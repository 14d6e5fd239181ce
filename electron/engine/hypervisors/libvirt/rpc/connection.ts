// Opening a libvirt connection the way libvirt's remote driver does: transport, then AUTH_LIST (only "none" is
// supported: the lab and SSH/TLS setups need nothing more), keepalive negotiation, CONNECT_OPEN. One deadline
// and one AbortSignal cover the whole sequence; on any failure everything opened so far is closed again.

import { type Logger } from '../../../logging/logger.js';
import { LibvirtApi } from './api.js';
import { type KeepaliveOptions, LibvirtRpcClient } from './client.js';
import { LibvirtAbortError, LibvirtAuthUnsupportedError, LibvirtConnectionError } from './errors.js';
import { DriverFeature, RemoteAuthType } from './procedures.js';
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  type HostKeyPolicy,
  type SshProxyMode,
  type TransportConnection,
  connectSsh,
  connectTcp,
  connectTls,
  connectUnix,
} from './transports.js';


export type LibvirtTransportSpec =
  | { kind: 'unix'; socketPath: string }
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'tls'; host: string; port: number; ca?: string | Buffer; cert?: string | Buffer; key?: string | Buffer; servername?: string }
  | {
      kind: 'ssh';
      host: string;
      port: number;
      username: string;
      privateKey?: string | Buffer;
      privateKeyPath?: string;
      passphrase?: string;
      password?: string;
      hostKey: HostKeyPolicy;
      /** Default 'virt-ssh-helper'. */
      proxy?: SshProxyMode;
      /** The daemon socket on the host, for proxy 'unix-socket'. */
      remoteSocket?: string;
    };

export interface LibvirtConnectionSpec {
  transport: LibvirtTransportSpec;
  /** What the daemon opens; default `qemu:///system`. */
  uri?: string;
}

export interface OpenLibvirtConnectionOptions {
  signal?: AbortSignal;
  /** Deadline for the whole open (transport, auth, CONNECT_OPEN); default 10 s. */
  timeoutMs?: number;
  logger?: Logger;
  /** Default reply timeout of later calls (see LibvirtRpcClientOptions). */
  callTimeoutMs?: number;
  /** Client keepalive PINGs to notice a dead host; default 5 s × 5 like libvirt. false disables. */
  keepalive?: KeepaliveOptions | false;
}

export interface LibvirtConnection {
  readonly client: LibvirtRpcClient;
  readonly api: LibvirtApi;
  readonly transport: TransportConnection;
  readonly description: string;
  /** CONNECT_CLOSE (briefly awaited), then the client and the transport. Safe to call twice. */
  close(): Promise<void>;
}

const DEFAULT_KEEPALIVE: KeepaliveOptions = { intervalMs: 5_000, maxMissed: 5 };

export async function openLibvirtConnection(spec: LibvirtConnectionSpec, options: OpenLibvirtConnectionOptions = {}): Promise<LibvirtConnection> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const uri = spec.uri ?? 'qemu:///system';
  const deadline = new AbortController();
  const timer = new PausableTimer(timeoutMs, () => deadline.abort());
  const signal = options.signal ? AbortSignal.any([options.signal, deadline.signal]) : deadline.signal;
  const label = describeSpec(spec);

  let transport: TransportConnection | null = null;
  let client: LibvirtRpcClient | null = null;
  try {
    transport = await openTransport(withUntimedHostKeyPrompt(spec.transport, timer), uri, { signal, timeoutMs: 0 });
    client = new LibvirtRpcClient(transport.stream, {
      ...(options.logger ? { logger: options.logger.child({ libvirt: transport.description }) } : {}),
      ...(options.callTimeoutMs !== undefined ? { callTimeoutMs: options.callTimeoutMs } : {}),
    });
    const api = new LibvirtApi(client);
    const callOptions = { signal, timeoutMs: 0 };

    const schemes = await api.authList(callOptions);
    if (schemes.length > 0 && !schemes.includes(RemoteAuthType.NONE)) {
      throw new LibvirtAuthUnsupportedError(schemes.map((scheme) => (scheme === RemoteAuthType.SASL ? 'SASL' : scheme === RemoteAuthType.POLKIT ? 'polkit' : `scheme ${scheme}`)));
    }
    const keepalive = options.keepalive ?? DEFAULT_KEEPALIVE;
    if (keepalive !== false && (await api.connectSupportsFeature(DriverFeature.PROGRAM_KEEPALIVE, callOptions))) {
      client.startKeepalive(keepalive);
    }
    await api.connectOpen(uri, 0, callOptions);

    const openedClient = client;
    const openedTransport = transport;
    let closing: Promise<void> | null = null;
    return {
      client: openedClient,
      api,
      transport: openedTransport,
      description: openedTransport.description,
      close: () => {
        closing ??= (async () => {
          if (!openedClient.closed) await api.connectClose({ timeoutMs: 2_000 }).catch(() => undefined);
          await openedClient.close();
          await openedTransport.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    const explained = explainFailure(error, label, transport, deadline.signal.aborted && !options.signal?.aborted, timeoutMs);
    // Nothing useful can still arrive: drop the stream at once instead of waiting for a graceful close.
    transport?.stream.destroy();
    if (client) await client.close();
    if (transport) await transport.close();
    throw explained;
  } finally {
    timer.cancel();
  }
}

/** A one-shot timer that can be paused (while a user reads a host key fingerprint). 0 ms never fires. */
class PausableTimer {
  private timer: NodeJS.Timeout | null = null;
  private remaining: number;
  private startedAt = 0;
  private cancelled = false;

  private readonly onFire: () => void;

  constructor(ms: number, onFire: () => void) {
    this.onFire = onFire;
    this.remaining = ms;
    if (ms > 0) this.start();
  }

  pause(): void {
    if (!this.timer) return;
    clearTimeout(this.timer);
    this.timer = null;
    this.remaining -= Date.now() - this.startedAt;
  }

  resume(): void {
    if (!this.cancelled && !this.timer && this.remaining > 0) this.start();
  }

  cancel(): void {
    this.cancelled = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private start(): void {
    this.startedAt = Date.now();
    this.timer = setTimeout(this.onFire, Math.max(0, this.remaining));
  }
}

function withUntimedHostKeyPrompt(spec: LibvirtTransportSpec, timer: PausableTimer): LibvirtTransportSpec {
  const ask = spec.kind === 'ssh' ? spec.hostKey.onUnknownHostKey : undefined;
  if (spec.kind !== 'ssh' || !ask) return spec;
  return {
    ...spec,
    hostKey: {
      ...spec.hostKey,
      onUnknownHostKey: async (fingerprint) => {
        timer.pause();
        try {
          return await ask(fingerprint);
        } finally {
          timer.resume();
        }
      },
    },
  };
}

function explainFailure(error: unknown, label: string, transport: TransportConnection | null, timedOut: boolean, timeoutMs: number): unknown {
  if (timedOut && (error instanceof LibvirtAbortError || (error instanceof LibvirtConnectionError && error.kind === 'connect-timeout'))) {
    return new LibvirtConnectionError('connect-timeout', `connecting to ${label} did not complete within ${timeoutMs} ms`, { cause: error });
  }
  const said = transport?.diagnostics() ?? '';
  if (error instanceof LibvirtConnectionError && said !== '') {
    return new LibvirtConnectionError(error.kind, `${error.message} (the remote side said: ${said})`, { cause: error });
  }
  return error;
}

function openTransport(spec: LibvirtTransportSpec, uri: string, options: { signal: AbortSignal; timeoutMs: number }): Promise<TransportConnection> {
  switch (spec.kind) {
    case 'unix':
      return connectUnix(spec.socketPath, options);
    case 'tcp':
      return connectTcp(spec.host, spec.port, options);
    case 'tls':
      return connectTls(spec.host, spec.port, {
        ...options,
        ...(spec.ca !== undefined ? { ca: spec.ca } : {}),
        ...(spec.cert !== undefined ? { cert: spec.cert } : {}),
        ...(spec.key !== undefined ? { key: spec.key } : {}),
        ...(spec.servername !== undefined ? { servername: spec.servername } : {}),
      });
    case 'ssh':
      return connectSsh({
        ...options,
        host: spec.host,
        port: spec.port,
        username: spec.username,
        hostKey: spec.hostKey,
        remoteUri: uri,
        ...(spec.privateKey !== undefined ? { privateKey: spec.privateKey } : {}),
        ...(spec.privateKeyPath !== undefined ? { privateKeyPath: spec.privateKeyPath } : {}),
        ...(spec.passphrase !== undefined ? { passphrase: spec.passphrase } : {}),
        ...(spec.password !== undefined ? { password: spec.password } : {}),
        ...(spec.proxy !== undefined ? { proxy: spec.proxy } : {}),
        ...(spec.remoteSocket !== undefined ? { remoteSocket: spec.remoteSocket } : {}),
      });
  }
}

function describeSpec(spec: LibvirtConnectionSpec): string {
  const t = spec.transport;
  switch (t.kind) {
    case 'unix':
      return `unix socket ${t.socketPath}`;
    case 'tcp':
    case 'tls':
      return `${t.kind} ${t.host}:${t.port}`;
    case 'ssh':
      return `ssh ${t.username}@${t.host}:${t.port}`;
  }
}

