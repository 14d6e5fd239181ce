// XDR (RFC 4506) as libvirt's rpcgen-generated code uses it: big-endian 4-byte units, variable-length data
// prefixed by a 4-byte count and padded to a multiple of 4. Everything read from the network goes through
// XdrReader, which checks every length against both the declared protocol limit and the bytes actually left,
// so a hostile or corrupt message can neither crash the reader with a RangeError nor make it allocate more
// than the message it already holds.

const INT32_MIN = -0x8000_0000;
const INT32_MAX = 0x7fff_ffff;
const UINT32_MAX = 0xffff_ffff;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;

/** A message could not be decoded: truncated, a length above its limit, a bad enum or boolean value. */
export class XdrDecodeError extends Error {
  override readonly name = 'XdrDecodeError';
  /** Byte offset in the decoded buffer where the problem was found. */
  readonly offset: number;

  constructor(message: string, offset: number) {
    super(`${message} (at byte ${offset})`);
    this.offset = offset;
  }
}

/** A value cannot be encoded: out of range for its XDR type, or longer than the protocol allows. */
export class XdrEncodeError extends Error {
  override readonly name = 'XdrEncodeError';
}

function padding(length: number): number {
  return (4 - (length % 4)) % 4;
}

export class XdrWriter {
  private buffer: Buffer;
  private length = 0;

  constructor(initialCapacity = 256) {
    this.buffer = Buffer.allocUnsafe(Math.max(16, initialCapacity));
  }

  /** Bytes written so far. */
  get byteLength(): number {
    return this.length;
  }

  private ensure(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = Buffer.allocUnsafe(capacity);
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }

  writeInt(value: number): this {
    if (!Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX) {
      throw new XdrEncodeError(`int out of range: ${value}`);
    }
    this.ensure(4);
    this.buffer.writeInt32BE(value, this.length);
    this.length += 4;
    return this;
  }

  writeUint(value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > UINT32_MAX) {
      throw new XdrEncodeError(`unsigned int out of range: ${value}`);
    }
    this.ensure(4);
    this.buffer.writeUInt32BE(value, this.length);
    this.length += 4;
    return this;
  }

  writeHyper(value: bigint | number): this {
    const big = toBigInt(value, 'hyper');
    if (big < INT64_MIN || big > INT64_MAX) throw new XdrEncodeError(`hyper out of range: ${big}`);
    this.ensure(8);
    this.buffer.writeBigInt64BE(big, this.length);
    this.length += 8;
    return this;
  }

  writeUhyper(value: bigint | number): this {
    const big = toBigInt(value, 'unsigned hyper');
    if (big < 0n || big > UINT64_MAX) throw new XdrEncodeError(`unsigned hyper out of range: ${big}`);
    this.ensure(8);
    this.buffer.writeBigUInt64BE(big, this.length);
    this.length += 8;
    return this;
  }

  writeBool(value: boolean): this {
    return this.writeInt(value ? 1 : 0);
  }

  writeDouble(value: number): this {
    this.ensure(8);
    this.buffer.writeDoubleBE(value, this.length);
    this.length += 8;
    return this;
  }

  /** Fixed-length opaque: exactly `length` bytes, padded; no count on the wire. */
  writeFixedOpaque(data: Uint8Array, length: number): this {
    if (data.length !== length) throw new XdrEncodeError(`fixed opaque must be ${length} bytes, got ${data.length}`);
    return this.writeRaw(data);
  }

  /** Variable-length opaque `opaque<max>`: count, bytes, padding. */
  writeOpaque(data: Uint8Array, max: number): this {
    if (data.length > max) throw new XdrEncodeError(`opaque of ${data.length} bytes exceeds its limit of ${max}`);
    this.writeUint(data.length);
    return this.writeRaw(data);
  }

  /** `string<max>`: UTF-8 bytes with a count; `max` limits bytes, as libvirt's decoder does. */
  writeString(value: string, max: number): this {
    const bytes = Buffer.from(value, 'utf8');
    if (bytes.length > max) throw new XdrEncodeError(`string of ${bytes.length} bytes exceeds its limit of ${max}`);
    this.writeUint(bytes.length);
    return this.writeRaw(bytes);
  }

  /** An XDR optional (`type *name`): a boolean "present" word, then the value when present. */
  writeOptional<T>(value: T | null | undefined, write: (writer: this, value: T) => void): this {
    if (value === null || value === undefined) return this.writeBool(false);
    this.writeBool(true);
    write(this, value);
    return this;
  }

  /** A variable-length array `type name<max>`. */
  writeArray<T>(items: readonly T[], max: number, write: (writer: this, item: T) => void): this {
    if (items.length > max) throw new XdrEncodeError(`array of ${items.length} items exceeds its limit of ${max}`);
    this.writeUint(items.length);
    for (const item of items) write(this, item);
    return this;
  }

  private writeRaw(data: Uint8Array): this {
    const pad = padding(data.length);
    this.ensure(data.length + pad);
    this.buffer.set(data, this.length);
    this.length += data.length;
    this.buffer.fill(0, this.length, this.length + pad);
    this.length += pad;
    return this;
  }

  /** The encoded bytes (a copy, so the writer can be reused or dropped). */
  toBuffer(): Buffer {
    return Buffer.from(this.buffer.subarray(0, this.length));
  }
}

function toBigInt(value: bigint | number, what: string): bigint {
  if (typeof value === 'bigint') return value;
  if (!Number.isSafeInteger(value)) throw new XdrEncodeError(`${what} must be a safe integer or a bigint, got ${value}`);
  return BigInt(value);
}

export class XdrReader {
  private offset: number;
  private readonly end: number;
  private readonly dataView: DataView;

  private readonly buffer: Uint8Array;

  constructor(buffer: Uint8Array, start = 0, end = buffer.length) {
    this.buffer = buffer;
    if (start < 0 || end > buffer.length || start > end) throw new XdrDecodeError('reader range outside the buffer', start);
    this.offset = start;
    this.end = end;
    this.dataView = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  }

  get position(): number {
    return this.offset;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  private need(bytes: number, what: string): void {
    if (bytes > this.end - this.offset) {
      throw new XdrDecodeError(`truncated ${what}: need ${bytes} bytes, ${this.end - this.offset} left`, this.offset);
    }
  }

  readInt(): number {
    this.need(4, 'int');
    const value = this.dataView.getInt32(this.offset);
    this.offset += 4;
    return value;
  }

  readUint(): number {
    this.need(4, 'unsigned int');
    const value = this.dataView.getUint32(this.offset);
    this.offset += 4;
    return value;
  }

  readHyper(): bigint {
    this.need(8, 'hyper');
    const value = this.dataView.getBigInt64(this.offset);
    this.offset += 8;
    return value;
  }

  readUhyper(): bigint {
    this.need(8, 'unsigned hyper');
    const value = this.dataView.getBigUint64(this.offset);
    this.offset += 8;
    return value;
  }

  /** A hyper that must fit a JS number exactly (byte counts, times): larger values are a decode error. */
  readHyperNumber(): number {
    const at = this.offset;
    return safeNumber(this.readHyper(), at);
  }

  readUhyperNumber(): number {
    const at = this.offset;
    return safeNumber(this.readUhyper(), at);
  }

  readBool(): boolean {
    const at = this.offset;
    const value = this.readInt();
    if (value !== 0 && value !== 1) throw new XdrDecodeError(`bool must be 0 or 1, got ${value}`, at);
    return value === 1;
  }

  readDouble(): number {
    this.need(8, 'double');
    const value = this.dataView.getFloat64(this.offset);
    this.offset += 8;
    return value;
  }

  /** An int that must be one of `allowed` (an XDR enum). */
  readEnum<T extends number>(allowed: readonly T[], what: string): T {
    const at = this.offset;
    const value = this.readInt();
    if (!(allowed as readonly number[]).includes(value)) throw new XdrDecodeError(`invalid ${what}: ${value}`, at);
    return value as T;
  }

  /** Fixed-length opaque; the returned bytes share memory with the message. */
  readFixedOpaque(length: number): Buffer {
    this.need(length + padding(length), `opaque[${length}]`);
    return this.takeRaw(length);
  }

  /** Variable-length opaque with its limit; the returned bytes share memory with the message. */
  readOpaque(max: number): Buffer {
    const at = this.offset;
    const length = this.readUint();
    if (length > max) throw new XdrDecodeError(`opaque of ${length} bytes exceeds its limit of ${max}`, at);
    this.need(length + padding(length), `opaque<${max}> body`);
    return this.takeRaw(length);
  }

  readString(max: number): string {
    const at = this.offset;
    const length = this.readUint();
    if (length > max) throw new XdrDecodeError(`string of ${length} bytes exceeds its limit of ${max}`, at);
    this.need(length + padding(length), 'string body');
    return this.takeRaw(length).toString('utf8');
  }

  readOptional<T>(read: (reader: this) => T): T | null {
    return this.readBool() ? read(this) : null;
  }

  /**
   * A variable-length array. `minItemBytes` is the smallest encoding of one item: a count that could not fit in
   * the bytes left is refused before anything is allocated.
   */
  readArray<T>(max: number, read: (reader: this) => T, minItemBytes = 4): T[] {
    const at = this.offset;
    const count = this.readUint();
    if (count > max) throw new XdrDecodeError(`array of ${count} items exceeds its limit of ${max}`, at);
    if (count * Math.max(1, minItemBytes) > this.remaining) {
      throw new XdrDecodeError(`array of ${count} items cannot fit in the ${this.remaining} bytes left`, at);
    }
    const items: T[] = [];
    for (let i = 0; i < count; i += 1) items.push(read(this));
    return items;
  }

  /** Fails unless every byte was consumed: a reply longer than its declared type means a layout mismatch. */
  assertEnd(what = 'message'): void {
    if (this.offset !== this.end) {
      throw new XdrDecodeError(`${this.end - this.offset} unexpected trailing bytes after ${what}`, this.offset);
    }
  }

  private takeRaw(length: number): Buffer {
    const start = this.offset;
    this.offset += length + padding(length);
    return Buffer.from(this.buffer.buffer, this.buffer.byteOffset + start, length);
  }
}

function safeNumber(value: bigint, at: number): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new XdrDecodeError(`64-bit value ${value} does not fit a safe integer`, at);
  }
  return Number(value);
}
