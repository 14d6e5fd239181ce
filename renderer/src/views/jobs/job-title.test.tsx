import { describe, expect, it } from 'vitest';
import type { JobSubject, JobSummary } from '../../../../shared/model/job.js';
import { createFormatters } from '../../i18n/format.js';
import type { AppLanguage } from '../../i18n/index.js';
import { backupJob, jobDetailOf, progressOf, verifyJob } from '../../testing/fixtures.js';
import { i18nForTest } from '../../testing/i18n.js';
import { renderWithStores, storesForTest } from '../../testing/render.js';
import { ActiveJobCard } from './ActiveJobCard.js';
import { CancelJobDialog } from './CancelJobDialog.js';
import { JobDetailPanel } from './JobDetailPanel.js';
import { JobHistory } from './JobHistory.js';
import { jobTitleText } from './job-title.js';

function titleIn(language: AppLanguage, subject: JobSubject | null, title = 'the engine’s title'): string {
  const i18n = i18nForTest(language);
  return jobTitleText(i18n.getFixedT(language, ['jobs']), createFormatters(i18n, language), { title, subject });
}

const vms = (...vmNames: string[]): JobSubject => ({ kind: 'vms', clusterName: 'lab', vmNames });

describe('job titles', () => {
  it('words every kind of subject in English as the engine does', () => {
    expect(titleIn('en', { kind: 'cluster', clusterName: 'lab' })).toBe('Cluster lab');
    expect(titleIn('en', vms('lab-vm1'))).toBe('lab-vm1 (lab)');
    expect(titleIn('en', { kind: 'restore', vmName: 'lab-vm1', host: 'lab2', asName: 'lab-vm1-copy' })).toBe('lab-vm1 to lab2 as lab-vm1-copy');
    expect(titleIn('en', { kind: 'restore', vmName: 'lab-vm1', host: 'lab2', asName: null })).toBe('lab-vm1 to lab2 (replacing the original)');
    expect(titleIn('en', { kind: 'prune' })).toBe('Prune and free space');
    expect(titleIn('en', { kind: 'verify' })).toBe('Verify repository');
  });

  it('words every kind of subject in Japanese', () => {
    expect(titleIn('ja', { kind: 'cluster', clusterName: 'lab' })).toBe('クラスター「lab」のバックアップ');
    expect(titleIn('ja', vms('lab-vm1'))).toBe('lab-vm1 のバックアップ（クラスター「lab」）');
    expect(titleIn('ja', { kind: 'restore', vmName: 'lab-vm1', host: 'lab2', asName: 'lab-vm1-copy' })).toBe('lab-vm1 を lab2 に復元（新しい名前: lab-vm1-copy）');
    expect(titleIn('ja', { kind: 'restore', vmName: 'lab-vm1', host: 'lab2', asName: null })).toBe('lab-vm1 を lab2 に復元（元の VM を置き換え）');
    expect(titleIn('ja', { kind: 'prune' })).toBe('復元ポイントの整理と領域の解放');
    expect(titleIn('ja', { kind: 'verify' })).toBe('リポジトリの検証');
  });

  it('lists chosen VMs in the language’s list form, naming at most three', () => {
    expect(titleIn('en', vms('a', 'b'))).toBe('a and b (lab)');
    expect(titleIn('en', vms('a', 'b', 'c'))).toBe('a, b, and c (lab)');
    expect(titleIn('en', vms('a', 'b', 'c', 'd'))).toBe('a, b, and 2 more (lab)');
    expect(titleIn('en', vms(...Array.from({ length: 1502 }, (_, i) => `vm${i}`)))).toBe('vm0, vm1, and 1,500 more (lab)');
    expect(titleIn('ja', vms('a', 'b', 'c'))).toBe('a、b、c のバックアップ（クラスター「lab」）');
    expect(titleIn('ja', vms('a', 'b', 'c', 'd', 'e'))).toBe('a、b、ほか 3 台 のバックアップ（クラスター「lab」）');
  });

  it('shows the engine’s own title for a job stored before subjects existed, in either language', () => {
    expect(titleIn('en', null, '2 VMs of lab')).toBe('2 VMs of lab');
    expect(titleIn('ja', null, '2 VMs of lab')).toBe('2 VMs of lab');
    // A result the renderer does not parse may lack the field altogether.
    expect(titleIn('ja', undefined as unknown as null, 'Cluster lab')).toBe('Cluster lab');
  });

  it('names jobs by their subject in the history, the running card, the details and the cancel dialog', () => {
    const ja = i18nForTest('ja');
    const old: JobSummary = { ...verifyJob, id: 'c0c0c0c0-0000-4000-8000-000000000001', title: 'Verify repository', subject: null };
    const history = renderWithStores(storesForTest(), <JobHistory jobs={[backupJob, verifyJob, old]} openJobId={null} busy={false} />, ja);
    expect(history).toContain('<th scope="row">クラスター「Office rack」のバックアップ');
    expect(history).toContain('aria-label="クラスター「Office rack」のバックアップ（');
    expect(history).toContain('<th scope="row">リポジトリの検証');
    expect(history).toContain('<th scope="row">Verify repository');

    const card = renderWithStores(storesForTest(), <ActiveJobCard progress={progressOf(3)} isOpen={false} />, ja);
    expect(card).toContain('>クラスター「Office rack」のバックアップ</h3>');
    expect(card).toContain('aria-label="クラスター「Office rack」のバックアップ の進行状況"');
    expect(card).toContain('aria-label="ジョブをキャンセル: クラスター「Office rack」のバックアップ"');
    expect(card).toContain('<caption class="visually-hidden">クラスター「Office rack」のバックアップ の VM</caption>');
    expect(card).not.toContain('Cluster Office rack');

    const stores = storesForTest();
    stores.jobDetail.setState({ jobId: backupJob.id, detail: jobDetailOf(3), status: 'ready' });
    const panel = renderWithStores(stores, <JobDetailPanel jobId={backupJob.id} focusOnOpen={false} onClose={() => undefined} />, ja);
    expect(panel).toContain('ジョブ: クラスター「Office rack」のバックアップ</h2>');
    expect(panel).toContain('aria-label="クラスター「Office rack」のバックアップ のログ"');

    // The dialog names the job in the language shown now, from its live snapshot, whatever the card passed.
    const withDialog = storesForTest();
    withDialog.jobs.setState({ cancellation: { jobId: backupJob.id, title: 'Cluster Office rack', sending: false, error: null } });
    withDialog.jobProgress.setState({ byJob: { [backupJob.id]: progressOf(3) } });
    expect(renderWithStores(withDialog, <CancelJobDialog />, ja)).toContain('クラスター「Office rack」のバックアップ をキャンセルしますか？');
    // Once the job has no snapshot here, the title the card passed is what there is.
    withDialog.jobProgress.setState({ byJob: {} });
    expect(renderWithStores(withDialog, <CancelJobDialog />, ja)).toContain('Cluster Office rack をキャンセルしますか？');
  });
});
