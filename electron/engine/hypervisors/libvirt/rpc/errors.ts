// Errors of the libvirt client. A LibvirtError is what libvirtd reported (virNetMessageError, numbers from
// include/libvirt/virterror.h); the others say why no answer could be had: the connection, a timeout, an abort,
// an answer that broke the protocol, or a transport that refused to connect (SSH host key, credentials).

import { VIR_NET_MESSAGE_STRING_MAX } from './framing.js';
import { type XdrReader } from './xdr.js';

/** virErrorNumber: the codes callers check, plus the rest by name for messages. Values never change. */
export const VirErrorCode = {
  VIR_ERR_OK: 0,
  VIR_ERR_INTERNAL_ERROR: 1,
  VIR_ERR_NO_MEMORY: 2,
  VIR_ERR_NO_SUPPORT: 3,
  VIR_ERR_UNKNOWN_HOST: 4,
  VIR_ERR_NO_CONNECT: 5,
  VIR_ERR_INVALID_CONN: 6,
  VIR_ERR_INVALID_DOMAIN: 7,
  VIR_ERR_INVALID_ARG: 8,
  VIR_ERR_OPERATION_FAILED: 9,
  VIR_ERR_XML_ERROR: 27,
  VIR_ERR_DOM_EXIST: 28,
  VIR_ERR_OPERATION_DENIED: 29,
  VIR_ERR_OPEN_FAILED: 30,
  VIR_ERR_READ_FAILED: 31,
  VIR_ERR_PARSE_FAILED: 32,
  VIR_ERR_WRITE_FAILED: 34,
  VIR_ERR_XML_DETAIL: 35,
  VIR_ERR_SYSTEM_ERROR: 38,
  VIR_ERR_RPC: 39,
  VIR_ERR_GNUTLS_ERROR: 40,
  VIR_ERR_NO_DOMAIN: 42,
  VIR_ERR_NO_NETWORK: 43,
  VIR_ERR_AUTH_FAILED: 45,
  VIR_ERR_INVALID_STORAGE_POOL: 46,
  VIR_ERR_INVALID_STORAGE_VOL: 47,
  VIR_ERR_NO_STORAGE_POOL: 49,
  VIR_ERR_NO_STORAGE_VOL: 50,
  VIR_ERR_OPERATION_INVALID: 55,
  VIR_ERR_CONFIG_UNSUPPORTED: 67,
  VIR_ERR_OPERATION_TIMEOUT: 68,
  VIR_ERR_INVALID_STREAM: 73,
  VIR_ERR_ARGUMENT_UNSUPPORTED: 74,
  VIR_ERR_OPERATION_ABORTED: 78,
  VIR_ERR_AUTH_CANCELLED: 79,
  VIR_ERR_OVERFLOW: 82,
  VIR_ERR_BLOCK_COPY_ACTIVE: 83,
  VIR_ERR_OPERATION_UNSUPPORTED: 84,
  VIR_ERR_AGENT_UNRESPONSIVE: 86,
  VIR_ERR_RESOURCE_BUSY: 87,
  VIR_ERR_ACCESS_DENIED: 88,
  VIR_ERR_STORAGE_VOL_EXIST: 90,
  VIR_ERR_XML_INVALID_SCHEMA: 92,
  VIR_ERR_AUTH_UNAVAILABLE: 94,
  VIR_ERR_DEVICE_MISSING: 99,
  VIR_ERR_INVALID_DOMAIN_CHECKPOINT: 102,
  VIR_ERR_NO_DOMAIN_CHECKPOINT: 103,
  VIR_ERR_NO_DOMAIN_BACKUP: 104,
  VIR_ERR_CHECKPOINT_INCONSISTENT: 109,
  VIR_ERR_MULTIPLE_DOMAINS: 110,
} as const;
export type VirErrorCodeName = keyof typeof VirErrorCode;

/** virErrorDomain: which part of libvirt raised the error. */
export const VirErrorDomain = {
  VIR_FROM_NONE: 0,
  VIR_FROM_XML: 5,
  VIR_FROM_DOM: 6,
  VIR_FROM_RPC: 7,
  VIR_FROM_CONF: 9,
  VIR_FROM_QEMU: 10,
  VIR_FROM_REMOTE: 13,
  VIR_FROM_STORAGE: 18,
  VIR_FROM_DOMAIN: 20,
  VIR_FROM_SECURITY: 24,
  VIR_FROM_STREAMS: 38,
  VIR_FROM_AUTH: 46,
  VIR_FROM_ACCESS: 55,
  VIR_FROM_DOMAIN_CHECKPOINT: 69,
} as const;

/** virErrorLevel. */
export const VirErrorLevel = { VIR_ERR_NONE: 0, VIR_ERR_WARNING: 1, VIR_ERR_ERROR: 2 } as const;

const CODE_NAMES = new Map<number, string>(Object.entries(VirErrorCode).map(([name, code]) => [code, name]));
const DOMAIN_NAMES = new Map<number, string>(Object.entries(VirErrorDomain).map(([name, code]) => [code, name]));

export function virErrorCodeName(code: number): string {
  return CODE_NAMES.get(code) ?? `VIR_ERR_${code}`;
}

export function virErrorDomainName(domain: number): string {
  return DOMAIN_NAMES.get(domain) ?? `VIR_FROM_${domain}`;
}

/** The fields of virNetMessageError (the unused `dom` and `net` members are decoded and dropped). */
export interface VirNetMessageError {
  code: number;
  domain: number;
  message: string | null;
  level: number;
  str1: string | null;
  str2: string | null;
  str3: string | null;
  int1: number;
  int2: number;
}

/** Decodes virNetMessageError, the payload of every REPLY or STREAM with status ERROR. */
export function decodeVirNetMessageError(reader: XdrReader): VirNetMessageError {
  const readString = (r: XdrReader): string => r.readString(VIR_NET_MESSAGE_STRING_MAX);
  const skipDomain = (r: XdrReader): void => {
    r.readString(VIR_NET_MESSAGE_STRING_MAX);
    r.readFixedOpaque(16);
    r.readInt();
  };
  const skipNetwork = (r: XdrReader): void => {
    r.readString(VIR_NET_MESSAGE_STRING_MAX);
    r.readFixedOpaque(16);
  };
  const code = reader.readInt();
  const domain = reader.readInt();
  const message = reader.readOptional(readString);
  const level = reader.readInt();
  reader.readOptional(skipDomain);
  const str1 = reader.readOptional(readString);
  const str2 = reader.readOptional(readString);
  const str3 = reader.readOptional(readString);
  const int1 = reader.readInt();
  const int2 = reader.readInt();
  reader.readOptional(skipNetwork);
  return { code, domain, message, level, str1, str2, str3, int1, int2 };
}

/** An error libvirtd reported for a call or a stream. */
export class LibvirtError extends Error {
  override readonly name = 'LibvirtError';
  readonly code: number;
  /** e.g. `VIR_ERR_NO_DOMAIN`. */
  readonly codeName: string;
  readonly domain: number;
  readonly domainName: string;
  readonly level: number;
  /** The message exactly as libvirtd wrote it. */
  readonly libvirtMessage: string | null;
  readonly str1: string | null;
  readonly str2: string | null;
  readonly str3: string | null;
  readonly int1: number;
  readonly int2: number;
  /** The remote procedure that failed, when known (e.g. `DOMAIN_LOOKUP_BY_UUID`). */
  readonly procedure: string | undefined;

  constructor(error: VirNetMessageError, procedure?: string) {
    const codeName = virErrorCodeName(error.code);
    super(`${error.message ?? 'libvirt reported an error without a message'} [${codeName}${procedure ? ` in ${procedure}` : ''}]`);
    this.code = error.code;
    this.codeName = codeName;
    this.domain = error.domain;
    this.domainName = virErrorDomainName(error.domain);
    this.level = error.level;
    this.libvirtMessage = error.message;
    this.str1 = error.str1;
    this.str2 = error.str2;
    this.str3 = error.str3;
    this.int1 = error.int1;
    this.int2 = error.int2;
    this.procedure = procedure;
  }

}

/** True when `error` is a LibvirtError with that code (e.g. `VirErrorCode.VIR_ERR_NO_DOMAIN`). */
export function isLibvirtError(error: unknown, code?: number): error is LibvirtError {
  return error instanceof LibvirtError && (code === undefined || error.code === code);
}

export type LibvirtConnectionErrorKind =
  /** The transport could not be opened: refused, unknown host, no such socket. */
  | 'connect-failed'
  /** The transport did not open within the connect timeout. */
  | 'connect-timeout'
  /** The connection ended (peer closed, socket error) while it was in use. */
  | 'closed'
  /** close() was called. */
  | 'closed-by-client'
  /** No sign of life from the peer for the keepalive interval times the allowed missed answers. */
  | 'keepalive-timeout'
  /** The peer broke the framing or the protocol; the connection was dropped. */
  | 'protocol';

/** The connection to libvirtd is unusable: every pending and later call fails with this. */
export class LibvirtConnectionError extends Error {
  override readonly name = 'LibvirtConnectionError';
  readonly kind: LibvirtConnectionErrorKind;

  constructor(kind: LibvirtConnectionErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
  }
}

/** A call got no reply within its timeout. The connection stays usable; a late reply is dropped. */
export class LibvirtTimeoutError extends Error {
  override readonly name = 'LibvirtTimeoutError';
  readonly procedure: string;
  readonly timeoutMs: number;

  constructor(procedure: string, timeoutMs: number) {
    super(`libvirt call ${procedure} got no reply within ${timeoutMs} ms`);
    this.procedure = procedure;
    this.timeoutMs = timeoutMs;
  }
}

/** The caller's AbortSignal fired. libvirt has no way to cancel a call: the daemon may still complete it. */
export class LibvirtAbortError extends Error {
  override readonly name = 'AbortError';
  constructor(what: string, options?: { cause?: unknown }) {
    super(`${what} was aborted`, options);
  }
}

/** A reply that does not match what was asked (wrong program/procedure, undecodable payload). */
export class LibvirtProtocolError extends Error {
  override readonly name = 'LibvirtProtocolError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The daemon requires an authentication scheme this client does not implement (SASL, polkit). */
export class LibvirtAuthUnsupportedError extends Error {
  override readonly name = 'LibvirtAuthUnsupportedError';
  readonly schemes: readonly string[];

  constructor(schemes: readonly string[]) {
    super(
      `libvirtd requires authentication by ${schemes.join(' or ')}, which Lifeboat does not support; ` +
        `configure the daemon with auth "none" for this socket (e.g. auth_tcp/auth_unix_rw = "none", or reach it ` +
        `over SSH/TLS, whose own authentication then protects it)`,
    );
    this.schemes = schemes;
  }
}

/** The SSH server presented a key other than the pinned one: possibly a man in the middle, or a reinstalled host. */
export class HostKeyMismatchError extends Error {
  override readonly name = 'HostKeyMismatchError';
  readonly host: string;
  readonly expectedFingerprint: string;
  readonly actualFingerprint: string;

  constructor(host: string, expectedFingerprint: string, actualFingerprint: string) {
    super(
      `SSH host key of ${host} has changed: expected ${expectedFingerprint}, the server presented ` +
        `${actualFingerprint}. If the host was reinstalled, confirm the new fingerprint and pin it again; ` +
        `otherwise someone may be intercepting the connection.`,
    );
    this.host = host;
    this.expectedFingerprint = expectedFingerprint;
    this.actualFingerprint = actualFingerprint;
  }
}

/** The SSH server's key is not pinned and was not accepted. `fingerprint` is what to show the user. */
export class HostKeyUnknownError extends Error {
  override readonly name = 'HostKeyUnknownError';
  readonly host: string;
  readonly fingerprint: string;

  constructor(host: string, fingerprint: string) {
    super(`SSH host key of ${host} is not trusted yet: its fingerprint is ${fingerprint}. Confirm it to connect.`);
    this.host = host;
    this.fingerprint = fingerprint;
  }
}

/** SSH authentication failed: wrong key, wrong password, an encrypted key without its passphrase. */
export class SshAuthError extends Error {
  override readonly name = 'SshAuthError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
