import { describe, expect, it } from 'vitest';
import { folderCheck, freshInstall, setUpInstall } from '../testing/dashboard-fixtures.js';
import { clusterA } from '../testing/fixtures.js';
import { i18nForTest } from '../testing/i18n.js';
import { renderWithStores, storesForTest } from '../testing/render.js';
import { OnboardingGate, OnboardingView } from './OnboardingView.js';

const proposed = '/home/ops/Documents/Lifeboat Backups';

describe('OnboardingView', () => {
  it('puts the check of the proposed folder in words, and offers to create the repository there', () => {
    const stores = storesForTest();
    stores.onboarding.setState({ status: freshInstall, active: true, pathInput: proposed, check: { state: 'done', path: proposed, result: folderCheck() } });
    const html = renderWithStores(stores, <OnboardingView />);
    expect(html).toContain('Set up Lifeboat');
    expect(html).toContain('aria-current="step"');
    expect(html).toContain(`value="${proposed}"`);
    expect(html).toContain('This folder does not exist yet. It will be created, with a new repository in it.');
    expect(html).toContain('120 GiB free of 500 GiB.');
    expect(html).toContain('>Create repository</button>');
    expect(html).not.toContain('aria-disabled="true"');
  });

  it('refuses a folder with other files in words, with the engine detail, and a button that says why it waits', () => {
    const stores = storesForTest();
    const result = folderCheck({ path: '/home/ops', kind: 'not_empty', action: null, writable: null, detail: '/home/ops holds other files (notes.txt)' });
    stores.onboarding.setState({ status: freshInstall, active: true, pathInput: '/home/ops', check: { state: 'done', path: '/home/ops', result } });
    const html = renderWithStores(stores, <OnboardingView />);
    expect(html).toContain('This folder holds other files.');
    expect(html).toContain('/home/ops holds other files (notes.txt)');
    expect(html).toContain('aria-disabled="true"');
    expect(html).toContain('Choose a folder Lifeboat can use.');
  });

  it('warns of little free space and opens an existing repository, counting its points', () => {
    const stores = storesForTest();
    const result = folderCheck({ path: '/mnt/nas/lifeboat', kind: 'existing_repository', action: 'open', pointCount: 12, space: 'low', freeBytes: 5 * 1024 ** 3 });
    stores.onboarding.setState({ status: freshInstall, active: true, pathInput: '/mnt/nas/lifeboat', check: { state: 'done', path: '/mnt/nas/lifeboat', result } });
    const html = renderWithStores(stores, <OnboardingView />);
    expect(html).toContain('A Lifeboat repository with 12 restore points is here. It will be opened.');
    expect(html).toContain('Little free space: at least 10 GiB is recommended.');
    expect(html).toContain('>Open repository</button>');
  });

  it('says what is wrong with a path that is not a full one', () => {
    const stores = storesForTest();
    stores.onboarding.setState({ status: freshInstall, active: true, pathInput: 'backups', pathProblem: 'not-absolute' });
    const html = renderWithStores(stores, <OnboardingView />);
    expect(html).toContain('Enter the full path of the folder');
    expect(html).toContain('aria-invalid="true"');
  });

  it('lists the clusters added at the second step and goes on to the dashboard, or skips', () => {
    const stores = storesForTest();
    stores.onboarding.setState({ status: freshInstall, active: true, step: 'cluster' });
    let html = renderWithStores(stores, <OnboardingView />);
    expect(html).toContain('Add your first cluster');
    expect(html).toContain('No cluster yet.');
    expect(html).toContain('Skip for now');
    stores.clusters.setState({ clusters: [clusterA], status: 'ready' });
    html = renderWithStores(stores, <OnboardingView />);
    expect(html).toContain('Office rack');
    expect(html).toContain('Go to the dashboard');
    expect(html).toContain('Add another cluster…');
  });

  it('shows the app once set up, and the onboarding in Japanese before', () => {
    const stores = storesForTest();
    stores.onboarding.setState({ status: setUpInstall, loadStatus: 'ready', active: false });
    expect(renderWithStores(stores, <OnboardingGate>{'the app'}</OnboardingGate>)).toBe('the app');
    stores.onboarding.setState({ status: freshInstall, active: true, pathInput: proposed, check: { state: 'done', path: proposed, result: folderCheck() } });
    const html = renderWithStores(stores, <OnboardingGate>{'the app'}</OnboardingGate>, i18nForTest('ja'));
    expect(html).toContain('Lifeboat のセットアップ');
    expect(html).toContain('このフォルダーはまだありません。');
    expect(html).toContain('リポジトリを作成');
  });
});
