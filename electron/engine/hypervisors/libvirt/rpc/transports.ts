// The ways to reach libvirtd: its unix socket, plain TCP, TLS, and SSH (the usual way to a remote hypervisor).
// Every transport connects within a timeout and fails with a message a user can act on. Over SSH the host key is
// verified against a pinned SHA256 fingerprint (OpenSSH format), and libvirtd is reached either through
// `virt-ssh-helper` (what libvirt's own ssh transport runs with proxy=native) or by forwarding to the daemon's
// unix socket on the host.

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import { type Duplex } from 'node:stream';
import tls from 'node:tls';
import { Client as SshClient, type ClientChannel, type ConnectConfig } from 'ssh2';
import { HostKeyMismatchError, HostKeyUnknownError, LibvirtAbortError, LibvirtConnectionError, SshAuthError } from './errors.js';

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_LIBVIRT_SOCKET = '/var/run/libvirt/libvirt-sock';
export const DEFAULT_LIBVIRT_TCP_PORT = 16509;
export const DEFAULT_LIBVIRT_TLS_PORT = 16514;

/** An open byte stream to libvirtd, and how to close it. */
export interface TransportConnection {
  readonly stream: Duplex;
  /** Where it leads, for logs and errors ("ssh root@host:22 → virt-ssh-helper qemu:///system"). */
  readonly description: string;
  /** What the far side said on the way (e.g. the helper's stderr), to explain a failure; '' when nothing. */
  diagnostics(): string;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** Default 10 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface TlsConnectOptions extends ConnectOptions {
  /** CA certificate(s) that signed the server's certificate (libvirt's cacert.pem). */
  ca?: string | Buffer;
  /** Client certificate and key (libvirt's clientcert.pem / clientkey.pem); libvirtd requires them by default. */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Name to check the server certificate against; default the host. */
  servername?: string;
}

export interface HostKeyPolicy {
  /** The trusted fingerprint, `SHA256:<base64 without padding>` as `ssh-keygen -lf` prints it. */
  pinnedFingerprint?: string;
  /** Asked when nothing is pinned; resolve true to trust the key for this connection. Not timed. */
  onUnknownHostKey?: (fingerprint: string) => Promise<boolean> | boolean;
}

export type SshProxyMode = 'virt-ssh-helper' | 'unix-socket';

export interface SshConnectOptions extends ConnectOptions {
  host: string;
  port?: number;
  username: string;
  /** Private key (OpenSSH or PEM), or its path. */
  privateKey?: string | Buffer;
  privateKeyPath?: string;
  passphrase?: string;
  password?: string;
  hostKey: HostKeyPolicy;
  /** How to reach libvirtd on the host; default 'virt-ssh-helper'. */
  proxy?: SshProxyMode;
  /** URI virt-ssh-helper opens on the host; default `qemu:///system`. */
  remoteUri?: string;
  /** Socket forwarded to in 'unix-socket' mode; default /var/run/libvirt/libvirt-sock. */
  remoteSocket?: string;
}

export interface SshTransportConnection extends TransportConnection {
  /** The fingerprint the server presented (pin it after the user confirmed it). */
  readonly hostKeyFingerprint: string;
  /** Opens another stream over the same SSH connection to a unix socket on the host (e.g. an NBD export). */
  forwardUnixSocket(path: string): Promise<Duplex>;
  /** Runs a command on the host over the same SSH connection and waits for it to exit. */
  exec(command: string, options?: { timeoutMs?: number }): Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/** OpenSSH's fingerprint of a public key blob: `SHA256:` and the unpadded base64 of its SHA-256. */
export function sshFingerprint(publicKeyBlob: Uint8Array): string {
  return `SHA256:${createHash('sha256').update(publicKeyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** Normalises a pinned fingerprint as users paste it (`SHA256:abc=`, `abc`); throws on another hash. */
export function normalizeFingerprint(fingerprint: string): string {
  const trimmed = fingerprint.trim();
  const body = trimmed.startsWith('SHA256:') ? trimmed.slice('SHA256:'.length) : trimmed;
  if (/^(MD5|SHA1|SHA384|SHA512):/i.test(trimmed) || !/^[A-Za-z0-9+/]{43}=?$/.test(body)) {
    throw new TypeError(`not an OpenSSH SHA256 fingerprint: ${JSON.stringify(fingerprint)}`);
  }
  return `SHA256:${body.replace(/=+$/, '')}`;
}

const ERRNO_HINTS: Record<string, string> = {
  ECONNREFUSED: 'connection refused (is the service listening on that port?)',
  ENOENT: 'no such socket (is libvirtd running?)',
  EACCES: 'permission denied',
  ENOTFOUND: 'unknown host name',
  EAI_AGAIN: 'host name lookup failed (DNS unavailable?)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'the connection timed out',
  ECONNRESET: 'the connection was reset',
};

function describeSocketError(error: NodeJS.ErrnoException): string {
  return (error.code && ERRNO_HINTS[error.code]) ?? error.message;
}

/**
 * Runs `start` with a connect deadline and the caller's AbortSignal. `start` calls `succeed`/`failWith`; on
 * timeout or abort `cleanup` tears down what was started.
 */
function withDeadline<T>(
  description: string,
  options: ConnectOptions,
  start: (succeed: (value: T) => void, failWith: (error: Error) => void, deadline: { pause(): void; resume(): void }) => void,
  cleanup: () => void,
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const signal = options.signal;
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout | null = null;
    let remaining = timeoutMs;
    let startedAt = Date.now();
    const finish = (): void => {
      settled = true;
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const failWith = (error: Error): void => {
      if (settled) return;
      finish();
      cleanup();
      reject(error);
    };
    const succeed = (value: T): void => {
      if (settled) return;
      finish();
      resolve(value);
    };
    const arm = (): void => {
      startedAt = Date.now();
      timer = setTimeout(
        () => failWith(new LibvirtConnectionError('connect-timeout', `connecting to ${description} timed out after ${timeoutMs} ms`)),
        Math.max(0, remaining),
      );
    };
    const deadline = {
      pause: () => {
        if (timer) clearTimeout(timer);
        timer = null;
        remaining -= Date.now() - startedAt;
      },
      resume: () => {
        if (!settled && timer === null && timeoutMs > 0) arm();
      },
    };
    const onAbort = (): void => failWith(new LibvirtAbortError(`connecting to ${description}`, { cause: signal?.reason }));
    if (signal?.aborted) {
      onAbort();
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    if (timeoutMs > 0) arm();
    try {
      start(succeed, failWith, deadline);
    } catch (error) {
      failWith(error instanceof Error ? error : new Error(String(error)));
    }
  });
}

function socketTransport(socket: net.Socket, description: string): TransportConnection {
  return {
    stream: socket,
    description,
    diagnostics: () => '',
    close: () => endSocket(socket),
  };
}

function endSocket(socket: Duplex): Promise<void> {
  if (socket.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      socket.destroy();
      resolve();
    }, 1_000);
    timer.unref();
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.end();
  });
}

function connectPlainSocket(description: string, create: () => net.Socket, options: ConnectOptions): Promise<net.Socket> {
  let socket: net.Socket | null = null;
  return withDeadline<net.Socket>(
    description,
    options,
    (succeed, failWith) => {
      const s = create();
      socket = s;
      s.once('connect', () => {
        s.removeAllListeners('error');
        succeed(s);
      });
      s.once('error', (error: NodeJS.ErrnoException) =>
        failWith(new LibvirtConnectionError('connect-failed', `cannot connect to ${description}: ${describeSocketError(error)}`, { cause: error })),
      );
    },
    () => socket?.destroy(),
  );
}

/** Connects to libvirtd's unix socket (e.g. /var/run/libvirt/libvirt-sock). */
export async function connectUnix(path: string, options: ConnectOptions = {}): Promise<TransportConnection> {
  const description = `unix socket ${path}`;
  const socket = await connectPlainSocket(description, () => net.connect({ path }), options);
  return socketTransport(socket, description);
}

/** Connects to libvirtd's TCP port (qemu+tcp; default port 16509). Unencrypted: for trusted networks only. */
export async function connectTcp(host: string, port: number = DEFAULT_LIBVIRT_TCP_PORT, options: ConnectOptions = {}): Promise<TransportConnection> {
  const description = `tcp ${formatHostPort(host, port)}`;
  const socket = await connectPlainSocket(description, () => net.connect({ host, port }), options);
  socket.setNoDelay(true);
  socket.setKeepAlive(true, 30_000);
  return socketTransport(socket, description);
}

/** Connects to libvirtd's TLS port (qemu+tls; default 16514), verifying the server certificate. */
export async function connectTls(host: string, port: number = DEFAULT_LIBVIRT_TLS_PORT, options: TlsConnectOptions = {}): Promise<TransportConnection> {
  const description = `tls ${formatHostPort(host, port)}`;
  let socket: tls.TLSSocket | null = null;
  const secured = await withDeadline<tls.TLSSocket>(
    description,
    options,
    (succeed, failWith) => {
      const s = tls.connect({
        host,
        port,
        servername: options.servername ?? (net.isIP(host) ? undefined : host),
        ...(options.ca !== undefined ? { ca: options.ca } : {}),
        ...(options.cert !== undefined ? { cert: options.cert } : {}),
        ...(options.key !== undefined ? { key: options.key } : {}),
      });
      socket = s;
      s.once('secureConnect', () => {
        s.removeAllListeners('error');
        succeed(s);
      });
      s.once('error', (error: NodeJS.ErrnoException) => {
        const reason = error.code && ERRNO_HINTS[error.code] ? describeSocketError(error) : `TLS handshake failed: ${error.message}`;
        failWith(new LibvirtConnectionError('connect-failed', `cannot connect to ${description}: ${reason}`, { cause: error }));
      });
    },
    () => socket?.destroy(),
  );
  secured.setNoDelay(true);
  return socketTransport(secured, description);
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Opens an SSH connection, verifies the host key, authenticates, and opens a channel to libvirtd. The host-key
 * callback's time does not count against the timeout (a user may be reading the fingerprint).
 */
export async function connectSsh(options: SshConnectOptions): Promise<SshTransportConnection> {
  const port = options.port ?? 22;
  const endpoint = `${options.username}@${formatHostPort(options.host, port)}`;
  const proxy = options.proxy ?? 'virt-ssh-helper';
  const remoteUri = options.remoteUri ?? 'qemu:///system';
  const remoteSocket = options.remoteSocket ?? DEFAULT_LIBVIRT_SOCKET;
  const pinned = options.hostKey.pinnedFingerprint === undefined ? undefined : normalizeFingerprint(options.hostKey.pinnedFingerprint);
  const privateKey = options.privateKey ?? (options.privateKeyPath === undefined ? undefined : await readPrivateKey(options.privateKeyPath));
  if (privateKey === undefined && options.password === undefined) {
    throw new SshAuthError(`no SSH credentials for ${endpoint}: give a private key or a password`);
  }

  const client = new SshClient();
  const sshClosed = new Promise<void>((resolve) => client.once('close', () => resolve()));
  let presentedFingerprint = '';
  let hostKeyFailure: Error | null = null;
  let stderr = '';
  let exitInfo = '';
  let onHandshakeError: (error: Error & { level?: string }) => void = () => undefined;
  let onHandshakeClose: () => void = () => undefined;

  const description = `ssh ${endpoint} → ${proxy === 'virt-ssh-helper' ? `virt-ssh-helper ${remoteUri}` : remoteSocket}`;
  const channel = await withDeadline<ClientChannel>(
    `ssh ${endpoint}`,
    options,
    (succeed, failWith, deadline) => {
      const config: ConnectConfig = {
        host: options.host,
        port,
        username: options.username,
        readyTimeout: 0,
        hostVerifier: (key: Buffer, verify: (valid: boolean) => void) => {
          presentedFingerprint = sshFingerprint(key);
          if (pinned !== undefined) {
            if (presentedFingerprint !== pinned) hostKeyFailure = new HostKeyMismatchError(formatHostPort(options.host, port), pinned, presentedFingerprint);
            verify(hostKeyFailure === null);
            return;
          }
          const ask = options.hostKey.onUnknownHostKey;
          if (!ask) {
            hostKeyFailure = new HostKeyUnknownError(formatHostPort(options.host, port), presentedFingerprint);
            verify(false);
            return;
          }
          deadline.pause();
          Promise.resolve()
            .then(() => ask(presentedFingerprint))
            .then(
              (accepted) => {
                if (!accepted) hostKeyFailure = new HostKeyUnknownError(formatHostPort(options.host, port), presentedFingerprint);
                deadline.resume();
                verify(accepted);
              },
              (error: unknown) => {
                hostKeyFailure = error instanceof Error ? error : new Error(String(error));
                deadline.resume();
                verify(false);
              },
            );
        },
        ...(privateKey !== undefined ? { privateKey } : {}),
        ...(options.passphrase !== undefined ? { passphrase: options.passphrase } : {}),
        ...(options.password !== undefined ? { password: options.password } : {}),
      };
      onHandshakeError = (error: Error & { level?: string }) => {
        if (hostKeyFailure) failWith(hostKeyFailure);
        else if (error.level === 'client-authentication') {
          const methods = [privateKey !== undefined ? 'key' : null, options.password !== undefined ? 'password' : null].filter(Boolean).join(' and ');
          failWith(new SshAuthError(`SSH login as ${endpoint} was refused: the server did not accept the ${methods}`, { cause: error }));
        } else if (error.level === 'client-socket' || error.level === 'client-dns') {
          failWith(new LibvirtConnectionError('connect-failed', `cannot connect to ssh ${formatHostPort(options.host, port)}: ${describeSocketError(error as NodeJS.ErrnoException)}`, { cause: error }));
        } else {
          failWith(new LibvirtConnectionError('connect-failed', `SSH connection to ${endpoint} failed: ${error.message}`, { cause: error }));
        }
      };
      onHandshakeClose = () =>
        failWith(hostKeyFailure ?? new LibvirtConnectionError('connect-failed', `SSH connection to ${endpoint} closed before libvirtd could be reached`));
      client.on('error', onHandshakeError);
      client.on('close', onHandshakeClose);
      client.on('ready', () => {
        // RPC calls are small request/reply exchanges: without this, Nagle's algorithm adds ~40 ms to each.
        client.setNoDelay(true);
        const onChannel = (error: Error | undefined, opened: ClientChannel): void => {
          if (error) {
            const what = proxy === 'virt-ssh-helper' ? 'run virt-ssh-helper' : `forward to ${remoteSocket}`;
            failWith(new LibvirtConnectionError('connect-failed', `SSH server ${endpoint} refused to ${what}: ${error.message}`, { cause: error }));
            return;
          }
          // What the helper says before it exits explains failures the RPC layer only sees as a closed stream.
          opened.stderr.on('data', (data: Buffer) => {
            if (stderr.length < 8_192) stderr += data.toString('utf8');
          });
          opened.on('exit', (code: number | null, signal?: string) => {
            exitInfo = code === null ? `killed by ${signal ?? 'a signal'}` : `exit status ${code}`;
          });
          succeed(opened);
        };
        if (proxy === 'virt-ssh-helper') client.exec(`virt-ssh-helper ${shellQuote(remoteUri)}`, onChannel);
        else client.openssh_forwardOutStreamLocal(remoteSocket, onChannel);
      });
      try {
        client.connect(config);
      } catch (error) {
        // ssh2 throws synchronously on a key it cannot parse or decrypt.
        failWith(new SshAuthError(`cannot use the SSH private key for ${endpoint}: ${(error as Error).message}`, { cause: error }));
      }
    },
    () => client.destroy(),
  );

  client.off('close', onHandshakeClose);
  client.off('error', onHandshakeError);
  // After the handshake, errors surface through the channel closing; keep a listener so they are not thrown.
  client.on('error', () => undefined);
  const channelClosed = new Promise<void>((resolve) => channel.once('close', () => resolve()));
  channel.on('close', () => client.end());

  return {
    stream: channel,
    description,
    hostKeyFingerprint: presentedFingerprint,
    diagnostics: () => [stderr.trim(), exitInfo && proxy === 'virt-ssh-helper' ? `virt-ssh-helper ${exitInfo}` : ''].filter(Boolean).join('; '),
    forwardUnixSocket: (path) =>
      new Promise<Duplex>((resolve, reject) => {
        client.openssh_forwardOutStreamLocal(path, (error, stream) => {
          if (error) reject(new LibvirtConnectionError('connect-failed', `SSH server ${endpoint} refused to forward to ${path}: ${error.message}`, { cause: error }));
          else resolve(stream);
        });
      }),
    exec: (command, options = {}) =>
      new Promise((resolve, reject) => {
        client.exec(command, (error, stream) => {
          if (error) {
            reject(new LibvirtConnectionError('connect-failed', `SSH server ${endpoint} refused to run a command: ${error.message}`, { cause: error }));
            return;
          }
          let stdout = '';
          let stderr = '';
          const timer = setTimeout(() => {
            stream.close();
            reject(new LibvirtConnectionError('connect-timeout', `the command on ${endpoint} did not finish within ${options.timeoutMs ?? 30_000} ms`));
          }, options.timeoutMs ?? 30_000);
          stream.on('data', (data: Buffer) => {
            if (stdout.length < 65_536) stdout += data.toString('utf8');
          });
          stream.stderr.on('data', (data: Buffer) => {
            if (stderr.length < 65_536) stderr += data.toString('utf8');
          });
          stream.on('exit', (code: number | null) => {
            clearTimeout(timer);
            // The output may still be in flight when the exit status arrives: wait for the channel to close.
            stream.once('close', () => resolve({ code, stdout, stderr }));
          });
        });
      }),
    close: async () => {
      channel.end();
      await settleWithin(channelClosed, 1_000);
      client.end();
      if (!(await settleWithin(sshClosed, 1_000))) client.destroy();
    },
  };
}

/** Waits for `promise` at most `ms`; true when it settled in time. */
async function settleWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | null = null;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const settled = await Promise.race([promise.then(() => true), timeout]);
  if (timer) clearTimeout(timer);
  return settled;
}

async function readPrivateKey(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new SshAuthError(`cannot read the SSH private key ${path}: ${(error as Error).message}`, { cause: error });
  }
}
