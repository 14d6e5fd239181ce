import { describe, expect, it } from 'vitest';
import { IpcError } from '../../../../shared/ipc/errors.js';
import { readyRepository, settingsWith } from '../../testing/fixtures.js';
import { renderWithStores, storesForTest } from '../../testing/render.js';
import { BackupPreferencesSection } from './BackupPreferencesSection.js';
import { MaintenanceSection } from './MaintenanceSection.js';
import { RepositorySection } from './RepositorySection.js';

describe('Settings: backups', () => {
  it('shows the concurrency limits and the two switches', () => {
    const stores = storesForTest();
    stores.settings.setState({ settings: settingsWith({ concurrency: { global: 6, perHost: 2, perCluster: 4 }, keepRunningInTray: true }), status: 'ready' });
    const html = renderWithStores(stores, <BackupPreferencesSection />);
    expect(html).toContain('VM backups at the same time');
    expect(html).toMatch(/<label[^>]*>In all<\/label><input[^>]*value="6"/);
    expect(html).toMatch(/<label[^>]*>Per host<\/label><input[^>]*value="2"/);
    expect(html).toMatch(/<input[^>]*type="checkbox"[^>]*checked=""[^>]*>\s*<span class="field-label">Keep running in the tray/);
  });

  it('shows a refused backup setting here, not a refused theme', () => {
    const stores = storesForTest();
    stores.settings.setState({
      settings: settingsWith({}),
      status: 'ready',
      saveError: { code: 'invalid_params', message: 'concurrency.perHost: Too big' },
      saveErrorKeys: ['concurrency'],
    });
    expect(renderWithStores(stores, <BackupPreferencesSection />)).toContain('concurrency.perHost: Too big');
    stores.settings.setState({ saveErrorKeys: ['theme'] });
    expect(renderWithStores(stores, <BackupPreferencesSection />)).not.toContain('concurrency.perHost: Too big');
  });
});

describe('Settings: repository', () => {
  it('shows where the repository is, what it holds and its free space', () => {
    const stores = storesForTest();
    stores.repository.setState({ repository: readyRepository, status: 'ready', pathInput: readyRepository.path ?? '' });
    const html = renderWithStores(stores, <RepositorySection />);
    expect(html).toContain('/mnt/nas/lifeboat');
    expect(html).toContain('42 restore points of 7 VMs');
    expect(html).toContain('3 TiB');
    expect(html).toContain('Use this folder');
  });

  it('says why the folder could not be used, and how to create a repository', () => {
    const stores = storesForTest();
    stores.repository.setState({
      repository: { path: null, state: 'not_configured', error: null, pointCount: 0, vmCount: 0, freeBytes: null },
      status: 'ready',
      pathInput: '/srv/empty',
      useError: new IpcError('unavailable', 'The repository at /srv/empty cannot be opened (not-a-repository)').toValue(),
    });
    const html = renderWithStores(stores, <RepositorySection />);
    expect(html).toContain('This folder could not be used as the repository.');
    expect(html).toContain('The repository at /srv/empty cannot be opened (not-a-repository)');
    expect(html).toContain('Create a new repository in this folder');
  });

  it('offers verify and prune only with a repository ready, saying why not', () => {
    const stores = storesForTest();
    let html = renderWithStores(stores, <MaintenanceSection />);
    expect(html.match(/aria-disabled="true"/g)).toHaveLength(2);
    expect(html.match(/Set up a repository first\./g)).toHaveLength(2);
    stores.repository.setState({ repository: readyRepository, status: 'ready' });
    html = renderWithStores(stores, <MaintenanceSection />);
    expect(html).not.toContain('aria-disabled="true"');
    expect(html).toContain('Verify repository');
    expect(html).toContain('Prune now');
  });
});
