import { describe, expect, it } from 'vitest';
import {
  LibvirtError,
  VirErrorCode,
  decodeVirNetMessageError,
  isLibvirtError,
  virErrorCodeName,
  virErrorDomainName,
} from '../../../electron/engine/hypervisors/libvirt/rpc/errors.js';
import { XdrDecodeError, XdrReader, XdrWriter } from '../../../electron/engine/hypervisors/libvirt/rpc/xdr.js';
import { encodeVirError } from './fake-libvirtd.js';
import { seededRandom } from '../../support/random.js';

describe('virNetMessageError', () => {
  it('decodes every field, including null strings', () => {
    const payload = encodeVirError({
      code: VirErrorCode.VIR_ERR_NO_DOMAIN,
      domain: 10,
      message: "Domain not found: no domain with matching uuid '1'",
      level: 2,
      str1: 'Domain not found: %s',
      str2: "no domain with matching uuid '1'",
      int1: -1,
      int2: 7,
    });
    const reader = new XdrReader(payload);
    const error = decodeVirNetMessageError(reader);
    reader.assertEnd();
    expect(error).toEqual({
      code: 42,
      domain: 10,
      message: "Domain not found: no domain with matching uuid '1'",
      level: 2,
      str1: 'Domain not found: %s',
      str2: "no domain with matching uuid '1'",
      str3: null,
      int1: -1,
      int2: 7,
    });
  });

  it('skips the unused dom and net members when a daemon fills them', () => {
    const w = new XdrWriter();
    w.writeInt(55).writeInt(20).writeOptional('invalid', (x, v) => x.writeString(v, 100)).writeInt(2);
    w.writeBool(true).writeString('vm1', 100).writeFixedOpaque(Buffer.alloc(16, 1), 16).writeInt(3);
    w.writeBool(false).writeBool(false).writeBool(false).writeInt(0).writeInt(0);
    w.writeBool(true).writeString('default', 100).writeFixedOpaque(Buffer.alloc(16, 2), 16);
    const reader = new XdrReader(w.toBuffer());
    expect(decodeVirNetMessageError(reader).code).toBe(55);
    reader.assertEnd();
  });

  it('fails with XdrDecodeError on truncated or random payloads (2000 seeded cases)', () => {
    const full = encodeVirError({ code: 1, message: 'internal error', str1: 'a', str2: 'b', str3: 'c' });
    for (let cut = 0; cut < full.length; cut += 4) {
      expect(() => decodeVirNetMessageError(new XdrReader(full.subarray(0, cut)))).toThrow(XdrDecodeError);
    }
    for (let seed = 1; seed <= 2000; seed += 1) {
      const random = seededRandom(seed);
      try {
        decodeVirNetMessageError(new XdrReader(random.bytes(random.int(0, 80))));
      } catch (error) {
        expect(error, `seed ${seed}`).toBeInstanceOf(XdrDecodeError);
      }
    }
  });
});

describe('LibvirtError', () => {
  it('carries the fields, names the code and the domain, and says which call failed', () => {
    const error = new LibvirtError(
      { code: 103, domain: 69, message: "Domain checkpoint not found: no domain checkpoint with matching name 'cp9'", level: 2, str1: null, str2: null, str3: null, int1: -1, int2: -1 },
      'DOMAIN_CHECKPOINT_LOOKUP_BY_NAME',
    );
    expect(error.codeName).toBe('VIR_ERR_NO_DOMAIN_CHECKPOINT');
    expect(error.domainName).toBe('VIR_FROM_DOMAIN_CHECKPOINT');
    expect(error.message).toBe("Domain checkpoint not found: no domain checkpoint with matching name 'cp9' [VIR_ERR_NO_DOMAIN_CHECKPOINT in DOMAIN_CHECKPOINT_LOOKUP_BY_NAME]");
    expect(error.libvirtMessage).toBe("Domain checkpoint not found: no domain checkpoint with matching name 'cp9'");
    expect(isLibvirtError(error, VirErrorCode.VIR_ERR_NO_DOMAIN_CHECKPOINT)).toBe(true);
    expect(isLibvirtError(error, VirErrorCode.VIR_ERR_NO_DOMAIN)).toBe(false);
    expect(isLibvirtError(new Error('x'))).toBe(false);
  });

  it('names the codes the app checks with libvirt values', () => {
    expect(VirErrorCode).toMatchObject({
      VIR_ERR_NO_DOMAIN: 42,
      VIR_ERR_AUTH_FAILED: 45,
      VIR_ERR_NO_STORAGE_POOL: 49,
      VIR_ERR_NO_STORAGE_VOL: 50,
      VIR_ERR_OPERATION_INVALID: 55,
      VIR_ERR_OPERATION_ABORTED: 78,
      VIR_ERR_OPERATION_UNSUPPORTED: 84,
      VIR_ERR_STORAGE_VOL_EXIST: 90,
      VIR_ERR_NO_DOMAIN_CHECKPOINT: 103,
      VIR_ERR_NO_DOMAIN_BACKUP: 104,
      VIR_ERR_CHECKPOINT_INCONSISTENT: 109,
    });
    expect(virErrorCodeName(9999)).toBe('VIR_ERR_9999');
    expect(virErrorDomainName(10)).toBe('VIR_FROM_QEMU');
    const unnamed = new LibvirtError({ code: 1, domain: 0, message: null, level: 2, str1: null, str2: null, str3: null, int1: 0, int2: 0 });
    expect(unnamed.message).toMatch(/without a message \[VIR_ERR_INTERNAL_ERROR\]/);
  });
});
