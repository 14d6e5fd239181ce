import { describe, expect, it } from 'vitest';
import { i18nForTest } from '../testing/i18n.js';
import { renderWithStores, storesForTest } from '../testing/render.js';
import { JobErrorNotice } from '../views/jobs/JobErrorNotice.js';
import { ErrorNotice } from './Notices.js';

describe('ErrorNotice', () => {
  it('explains an IPC error code, keeps the engine message, and offers its code and reason to copy', () => {
    const html = renderWithStores(
      storesForTest(),
      <ErrorNotice title="The repository could not be used" error={{ code: 'unavailable', reason: 'low_space', message: 'Only 512 MiB is free on /mnt/nas' }} onRetry={() => undefined} />,
    );
    expect(html).toContain('role="alert"');
    expect(html).toContain('The repository could not be used');
    expect(html).toContain('Only 512 MiB is free on /mnt/nas');
    expect(html).toContain('Code: unavailable (low_space)');
    expect(html).toContain('aria-label="Copy details: The repository could not be used"');
    expect(html).toContain('Try again');
  });

  it("shows an engine-specific code (a host's) by its message alone, in Japanese too", () => {
    const error = { code: 'host_key_mismatch', message: 'kvm-b presented another host key' };
    const en = renderWithStores(storesForTest(), <ErrorNotice title="Adding the host failed" error={error} alert={false} />);
    expect(en).not.toContain('role="alert"');
    expect(en).toContain('kvm-b presented another host key');
    expect(en).toContain('Code: host_key_mismatch');
    expect(en).not.toContain('Try again');
    const ja = renderWithStores(storesForTest(), <ErrorNotice title="ホストを追加できませんでした" error={error} />, i18nForTest('ja'));
    expect(ja).toContain('コード: host_key_mismatch');
    expect(ja).toContain('詳細をコピー');
  });

  it('gives a failed job item the same details to copy', () => {
    const html = renderWithStores(storesForTest(), <JobErrorNotice title="lab-vm3 failed" error={{ code: 'unreachable', message: 'lab2 did not answer' }} />);
    expect(html).toContain('lab2 did not answer');
    expect(html).toContain('aria-label="Copy details: lab-vm3 failed"');
  });
});
