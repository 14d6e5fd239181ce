// The bytes of one chunk file: a 16-byte header, then the payload (zstd frame, or the chunk itself when
// compression does not make it smaller). Integers are little-endian.
//
//   0  4  magic "LBCK"
//   4  1  chunk file version (1)
//   5  1  compression: 0 stored, 1 zstd
//   6  2  flags: 0 in version 1 (reserved for encryption; a reader refuses flags it does not know)
//   8  4  uncompressed length (1 .. chunk size)
//  12  4  payload length (= file size - 16; a shorter file was cut)
//  16  …  payload

export const CHUNK_MAGIC = Buffer.from('LBCK', 'latin1');
export const CHUNK_FILE_VERSION = 1;
export const CHUNK_HEADER_SIZE = 16;

export const Compression = {
  none: 0,
  zstd: 1,
} as const;
export type CompressionId = (typeof Compression)[keyof typeof Compression];

export interface ChunkHeader {
  compression: CompressionId;
  uncompressedLength: number;
  payloadLength: number;
}

export function encodeChunkHeader(header: ChunkHeader): Buffer {
  const out = Buffer.alloc(CHUNK_HEADER_SIZE);
  CHUNK_MAGIC.copy(out, 0);
  out.writeUInt8(CHUNK_FILE_VERSION, 4);
  out.writeUInt8(header.compression, 5);
  out.writeUInt16LE(0, 6);
  out.writeUInt32LE(header.uncompressedLength, 8);
  out.writeUInt32LE(header.payloadLength, 12);
  return out;
}

/** Parses and checks a whole chunk file; returns the header and the payload, or a reason it is not valid. */
export function decodeChunkFile(file: Buffer, maxLength: number): { header: ChunkHeader; payload: Buffer } | { problem: string } {
  if (file.length < CHUNK_HEADER_SIZE) return { problem: `file is ${file.length} bytes, shorter than the ${CHUNK_HEADER_SIZE}-byte header` };
  if (!file.subarray(0, 4).equals(CHUNK_MAGIC)) return { problem: `bad magic ${file.subarray(0, 4).toString('hex')}` };
  const version = file.readUInt8(4);
  if (version !== CHUNK_FILE_VERSION) return { problem: `chunk file version ${version}; this version of Lifeboat reads ${CHUNK_FILE_VERSION}` };
  const compression = file.readUInt8(5);
  if (compression !== Compression.none && compression !== Compression.zstd) return { problem: `unknown compression ${compression}` };
  const flags = file.readUInt16LE(6);
  if (flags !== 0) return { problem: `unknown flags 0x${flags.toString(16)}` };
  const uncompressedLength = file.readUInt32LE(8);
  if (uncompressedLength === 0 || uncompressedLength > maxLength) return { problem: `uncompressed length ${uncompressedLength} out of range` };
  const payloadLength = file.readUInt32LE(12);
  if (payloadLength !== file.length - CHUNK_HEADER_SIZE) {
    return { problem: `header says ${payloadLength} payload bytes, the file holds ${file.length - CHUNK_HEADER_SIZE}` };
  }
  if (compression === Compression.none && payloadLength !== uncompressedLength) {
    return { problem: `stored chunk of ${payloadLength} bytes, header says ${uncompressedLength}` };
  }
  return { header: { compression, uncompressedLength, payloadLength }, payload: file.subarray(CHUNK_HEADER_SIZE) };
}
