import { describe, expect, it } from 'vitest';
import { REDACTED, redact, redactText } from '../../../electron/engine/logging/logger.js';
import { createMemoryLogger } from '../../support/logger.js';

describe('logger redaction', () => {
  it('replaces secret-named fields at any depth', () => {
    expect(redact({ host: 'a', password: 'p', nested: { sshPassphrase: 'q', list: [{ token: 't' }] } })).toEqual({
      host: 'a',
      password: REDACTED,
      nested: { sshPassphrase: REDACTED, list: [{ token: REDACTED }] },
    });
  });

  it('masks secrets inside free text: private keys, tokens in URLs, passwords in URIs', () => {
    const key = '-----BEGIN OPENSSH PRIVATE KEY-----\nAAAAB3NzaC1yc2E\n-----END OPENSSH PRIVATE KEY-----';
    expect(redactText(`key: ${key} end`)).toBe('key: [redacted private key] end');
    expect(redactText('open http://127.0.0.1:5000/#token=abcDEF123 now')).toBe('open http://127.0.0.1:5000/#token=[redacted] now');
    expect(redactText('ssh://root:s3cret@host:22/')).toBe('ssh://root:[redacted]@host:22/');
  });

  it('redacts before any sink sees a record, including bound fields and error messages', () => {
    const { logger, records } = createMemoryLogger();
    logger.child({ apiToken: 'zzz' }).error('login failed for qemu+ssh://admin:pw123@h/system', { error: new Error('bad password=hunter2?token=abc') });
    const text = JSON.stringify(records);
    expect(text).not.toContain('zzz');
    expect(text).not.toContain('pw123');
    expect(text).not.toContain('token=abc');
  });
});
