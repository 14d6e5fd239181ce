import { describe, expect, it } from 'vitest';
import { forgetKnownSecrets, rememberSecret, rememberSecretsIn } from '../../../electron/engine/logging/known-secrets.js';
import { REDACTED, isSecretKey, pathsToRedact, redact, redactAt, redactText } from '../../../electron/engine/logging/logger.js';
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

  it('masks the whole password of a URL, even one holding @, / or : that was not percent-encoded', () => {
    expect(redactText('qemu+ssh://admin:p@ss/w:rd@kvm1.example:22/system?keyfile=/k')).toBe('qemu+ssh://admin:[redacted]@kvm1.example:22/system?keyfile=/k');
    expect(redactText('"smb://:onlypass@nas/share" failed')).toBe('"smb://:[redacted]@nas/share" failed');
    expect(redactText('/work/smb:/admin:pw@nas/share is not a repository')).toBe('/work/smb:/admin:[redacted]@nas/share is not a repository');
    expect(redactText('ssh://root@kvm1:22/system and http://127.0.0.1:5000/ stay as they are')).toBe(
      'ssh://root@kvm1:22/system and http://127.0.0.1:5000/ stay as they are',
    );
    expect(redactText('GET /x?user=a&pwd=hunter2&access_token=abc;passwd=x')).toBe('GET /x?user=a&pwd=[redacted]&access_token=[redacted];passwd=[redacted]');
  });

  it('masks secret values it was told about, wherever they appear, and ignores values too short to be one', () => {
    forgetKnownSecrets();
    rememberSecret('Tr0ub4dor&3"quoted');
    rememberSecret('abc');
    rememberSecretsIn({ hosts: [{ spec: { address: 'h' }, secret: 'passphrase-of-the-key' }], name: 'not a secret' }, isSecretKey);
    expect(redactText('auth failed with Tr0ub4dor&3"quoted for root')).toBe(`auth failed with ${REDACTED} for root`);
    expect(redactText(JSON.stringify({ echoed: 'x Tr0ub4dor&3"quoted y' }))).toBe(`{"echoed":"x ${REDACTED} y"}`);
    expect(redactText(`https://h/?q=${encodeURIComponent('Tr0ub4dor&3"quoted')}`)).toBe(`https://h/?q=${REDACTED}`);
    expect(redactText('bad passphrase-of-the-key')).toBe(`bad ${REDACTED}`);
    expect(redactText('abc and not a secret')).toBe('abc and not a secret');
    const payload = { message: 'cannot log in with passphrase-of-the-key', list: ['ok', 'passphrase-of-the-key'], n: 1 };
    const paths = pathsToRedact(payload);
    expect(paths).toEqual([['message'], ['list', 1]]);
    expect(paths.reduce((v, path) => redactAt(v, path), payload)).toEqual({ message: `cannot log in with ${REDACTED}`, list: ['ok', REDACTED], n: 1 });
    expect(payload.list[1]).toBe('passphrase-of-the-key');
    expect(pathsToRedact({ message: 'nothing here', url: 'ssh://root@h/' })).toEqual([]);
    expect(pathsToRedact({ url: 'ssh://root:pw@h/' })).toEqual([['url']]);
    // A shorter minimum length is for free text only: in data, a short secret is left alone.
    rememberSecret('shorty');
    expect(redactText('a shorty here')).toBe(`a ${REDACTED} here`);
    expect(pathsToRedact({ name: 'shorty' }, 8)).toEqual([]);
    forgetKnownSecrets();
    expect(redactText('bad passphrase-of-the-key')).toBe('bad passphrase-of-the-key');
  });

  it('keeps an own __proto__ field a field, never the prototype of the redacted copy', () => {
    const fields = JSON.parse('{"__proto__":{"password":"x","polluted":true},"ok":1}') as Record<string, unknown>;
    const out = redact(fields) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(JSON.stringify(out)).toBe(`{"__proto__":{"password":"${REDACTED}","polluted":true},"ok":1}`);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
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
