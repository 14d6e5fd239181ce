// Backing up the lab from the app, as a user does it: "Back up cluster" on the lab cluster, following the job's
// live progress, its end with a result per VM, every VM's new point in Restore points; then two VMs chosen with
// their checkboxes and "Back up selected (2)", and that job's details with its log. The built app in Chromium
// against a real `lifeboat serve` on a fresh data folder, and the real libvirt lab (backups read over SSH).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchChromium, screenshotPath } from '../support/browser.js';
import { runCli, startServe, type ServeProcess } from '../support/headless.js';
import { requireLab, type LabJson } from '../support/lab.js';
import { makeTempDir } from '../support/temp.js';

/** A lab backup of seven tiny VMs takes seconds; the limits leave room for a busy machine. */
const BACKUP_TIMEOUT_MS = 150_000;
const FINAL_STATES = ['Succeeded', 'Partly succeeded', 'Failed', 'Cancelled'];

/** Runs the built `lifeboat` CLI on the data folder, as a user preparing it would; throws with its output on failure. */

/**
 * Records every value each progress bar shows, by its label, from the moment the page loads: a lab backup is over
 * in seconds, so polling from the test could miss the values between 0 and 100. Runs in the page.
 */
function recordProgressValues(): void {
  const seen: Record<string, number[]> = {};
  const phases: string[] = [];
  Object.assign(window, { progressSeen: seen, phasesSeen: phases });
  const record = (element: Element): void => {
    // A job's phase (retention at the end of a backup) is on screen for a moment at most.
    if (element.classList.contains('job-phase') && phases.at(-1) !== element.textContent) phases.push(element.textContent);
    const label = element.getAttribute('aria-label');
    const now = element.getAttribute('aria-valuenow');
    if (label === null || now === null || element.getAttribute('role') !== 'progressbar') return;
    const values = (seen[label] ??= []);
    if (values.at(-1) !== Number(now)) values.push(Number(now));
  };
  new MutationObserver((records) => {
    for (const change of records) {
      if (change.type === 'attributes') record(change.target as Element);
      for (const node of change.addedNodes) {
        if (!(node instanceof Element)) continue;
        record(node);
        node.querySelectorAll('[role="progressbar"], .job-phase').forEach(record);
      }
    }
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-valuenow'] });
}

/** The state a job's details show once it has ended (throws with the job's log if it did not succeed). */
async function waitForJobEnd(panel: Locator): Promise<string> {
  const badge = panel.locator('.job-detail-facts .job-state');
  await expect
    .poll(async () => ((await badge.count()) > 0 ? ((await badge.textContent()) ?? '').trim() : ''), { timeout: BACKUP_TIMEOUT_MS, interval: 250 })
    .toSatisfy((state: string) => FINAL_STATES.includes(state));
  const state = ((await badge.textContent()) ?? '').trim();
  if (state !== 'Succeeded') {
    const log = await panel.getByRole('region', { name: /^Log of / }).textContent().catch(() => '(no log shown)');
    throw new Error(`the job ended "${state}", not "Succeeded"; its log: ${log}`);
  }
  return state;
}

describe('backups in Chromium against the lab', () => {
  let lab: LabJson;
  let temp: ReturnType<typeof makeTempDir>;
  let serve: ServeProcess;
  let chromium: Awaited<ReturnType<typeof launchChromium>>;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    lab = requireLab();
    temp = makeTempDir('e2e-backup');
    // The data folder is prepared as a user would from a shell: the lab cluster (over SSH, add-lab's default and
    // what backups need: disk data travels through the SSH connection) and a new repository.
    const cluster = JSON.parse(runCli(temp.dir, 'cluster', 'add-lab', '--transport', 'ssh')) as { hosts: { spec: { transport: string } }[] };
    expect(cluster.hosts.map((host) => host.spec.transport)).toEqual(lab.hosts.map(() => 'ssh'));
    runCli(temp.dir, 'repo', 'init', join(temp.dir, 'repository'));
    serve = await startServe(temp.dir);
    chromium = await launchChromium();
    browser = chromium.browser;
    page = await browser.newPage({ viewport: { width: 1280, height: 1024 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    await page.addInitScript(recordProgressValues);
  });

  afterAll(async () => {
    await chromium?.close();
    await serve?.stop();
    temp?.remove();
  });

  const nav = (): Locator => page.getByRole('navigation', { name: 'Main' });
  const clusterSection = (): Locator => page.getByRole('region', { name: 'lab', exact: true });

  async function openClusters(): Promise<Locator> {
    await nav().getByRole('link', { name: 'Clusters' }).click();
    await page.getByRole('heading', { level: 1, name: 'Clusters' }).waitFor();
    const section = clusterSection();
    for (const vm of lab.vms) await section.getByRole('row').filter({ hasText: vm.name }).waitFor();
    return section;
  }

  it('backs up the whole cluster with one click, follows the job to its end, and lists every VM’s new point', async () => {
    await page.goto(serve.url);
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    const section = await openClusters();
    const backUp = section.getByRole('button', { name: 'Back up cluster lab' });
    await backUp.waitFor();
    await page.screenshot({ path: screenshotPath('backup-cluster-view'), fullPage: true });

    await backUp.click();
    // The section offers the job: "Follow its progress" as soon as the engine answered, "View job" while it runs.
    const jobLink = section.getByRole('link', { name: /^(View job: backup of lab|Follow its progress)$/ }).first();
    await jobLink.waitFor();
    const href = await jobLink.getAttribute('href');
    expect(href).toMatch(/^#\/jobs\/[0-9a-f-]{36}$/);
    await jobLink.click();
    await page.getByRole('heading', { level: 1, name: 'Jobs' }).waitFor();
    expect(page.url()).toContain(href!);

    const panel = page.getByRole('region', { name: 'Job: Cluster lab' });
    const card = page.getByRole('article', { name: 'Cluster lab' });
    // The card shows while the job runs (the screenshot waits for its first VM to be sized, so the bars show
    // something); a job over before the view could show it goes straight to its details.
    const shown = await Promise.race([
      card.locator('[role="progressbar"][aria-label="Progress of Cluster lab"][aria-valuenow]').waitFor({ timeout: BACKUP_TIMEOUT_MS }).then(
        () => 'card' as const,
        () => null,
      ),
      panel.locator('.job-detail-facts .job-state', { hasText: new RegExp(`^(${FINAL_STATES.join('|')})$`) }).waitFor({ timeout: BACKUP_TIMEOUT_MS }).then(
        () => 'ended' as const,
        () => null,
      ),
    ]);
    expect(shown, 'neither the running job nor its end showed').not.toBeNull();
    if (shown === 'card') {
      // Under "Running now": the job's bar, and one row per VM (with a bar per disk once each is sized).
      await card.getByRole('table', { name: 'VMs of Cluster lab' }).waitFor();
      await page.screenshot({ path: screenshotPath('backup-job-running'), fullPage: true });
    } else {
      console.warn('backup.test: the cluster backup ended before its card could be shown; no running screenshot');
    }

    await waitForJobEnd(panel);
    const items = panel.getByRole('table', { name: 'VMs of Cluster lab' });
    for (const vm of lab.vms) {
      const row = items.getByRole('row').filter({ hasText: vm.name });
      await row.waitFor();
      const text = (await row.textContent()) ?? '';
      expect(text, vm.name).toContain('Done');
      expect(text, vm.name).toContain('Full');
    }
    expect(await items.getByRole('row').count()).toBe(lab.vms.length + 1);
    // The running card gave way to the results in the details.
    expect(await card.count()).toBe(0);
    await page.screenshot({ path: screenshotPath('backup-job-finished'), fullPage: true });

    // The bars moved: values seen while the job ran, by bar (the job's in its card, the cluster's in its section,
    // each VM's and disk's). A lab backup takes seconds, so the recorder in the page caught them, not polling.
    const { seen, phases } = await page.evaluate(() => {
      const recorded = window as unknown as { progressSeen: Record<string, number[]>; phasesSeen: string[] };
      return { seen: recorded.progressSeen, phases: recorded.phasesSeen };
    });
    // The job's own bars: the cluster section's while it runs, the card's under "Running now".
    const overall = [...(seen['Backup of lab'] ?? []), ...(seen['Progress of Cluster lab'] ?? [])];
    console.info(`backup.test: progress values seen: ${JSON.stringify(seen)}; job phases seen: ${JSON.stringify(phases)}`);
    const between = Object.values(seen).flat().filter((value) => value > 0 && value < 100);
    expect(between.length, `no bar showed a value between 0 and 100: ${JSON.stringify(seen)}`).toBeGreaterThan(0);
    expect(new Set(overall).size, `the job's bars showed ${JSON.stringify(overall)}`).toBeGreaterThanOrEqual(2);
    for (const value of Object.values(seen).flat()) expect(value).toBeGreaterThanOrEqual(0);
    // Those bars are shown only while the job runs, and a running job is never shown as all done (the engine's
    // total counts only the VMs sized so far, so it can be all read with VMs still queued).
    expect(overall, 'a running job showed 100%').not.toContain(100);
    // Every VM's bar ends full.
    for (const vm of lab.vms) expect(seen[`Progress of ${vm.name}`]?.at(-1), vm.name).toBe(100);

    await nav().getByRole('link', { name: 'Restore points' }).click();
    await page.getByRole('heading', { level: 1, name: 'Restore points' }).waitFor();
    const points = page.getByRole('region', { name: 'lab', exact: true });
    for (const vm of lab.vms) {
      const table = points.getByRole('table', { name: `Restore points of ${vm.name}, newest first` });
      await table.waitFor();
      const rows = table.getByRole('row');
      expect(await rows.count(), vm.name).toBe(2);
      expect(await rows.nth(1).textContent(), vm.name).toContain('Full');
      for (const disk of vm.disks) expect(await rows.nth(1).textContent(), vm.name).toContain(disk.target);
    }
    await page.getByText(`${lab.vms.length} restore points of ${lab.vms.length} VMs.`).waitFor();
    await page.screenshot({ path: screenshotPath('backup-restore-points'), fullPage: true });
    expect(pageErrors).toEqual([]);
  }, BACKUP_TIMEOUT_MS * 2);

  it('backs up two VMs chosen with their checkboxes, and shows that job’s details and log', async () => {
    const [first, second] = [lab.vms[0]!, lab.vms[1]!];
    const section = await openClusters();
    // The section still says how the cluster backup started here ended; dismissed, it makes room for the next.
    const previous = section.locator('.cluster-backup-line', { hasText: 'Backup ended:' });
    await previous.waitFor();
    expect((await previous.textContent()) ?? '').toContain('Succeeded');
    await previous.getByRole('button', { name: 'Dismiss' }).click();
    await previous.waitFor({ state: 'detached' });
    await section.getByRole('checkbox', { name: `Choose ${first.name}` }).check();
    await section.getByRole('checkbox', { name: `Choose ${second.name}` }).check();
    await section.getByText(`2 of ${lab.vms.length} VMs chosen`).waitFor();
    const backUpSelected = section.getByRole('button', { name: 'Back up selected (2)' });
    await page.screenshot({ path: screenshotPath('backup-selected-vms'), fullPage: true });
    await backUpSelected.click();

    // The section follows the job to its end and says how it ended, with a link to it.
    const ended = section.locator('.cluster-backup-line', { hasText: 'Backup ended:' });
    await ended.waitFor({ timeout: BACKUP_TIMEOUT_MS });
    expect((await ended.textContent()) ?? '').toContain('Succeeded');
    // The chosen VMs are un-chosen once their job started.
    expect(await section.getByRole('checkbox', { name: `Choose ${first.name}` }).isChecked()).toBe(false);
    await page.screenshot({ path: screenshotPath('backup-selected-ended'), fullPage: true });
    const jobHref = await ended.getByRole('link', { name: 'View job: backup of lab' }).getAttribute('href');

    // The job's details from the history.
    await nav().getByRole('link', { name: 'Jobs' }).click();
    await page.getByRole('heading', { level: 1, name: 'Jobs' }).waitFor();
    const history = page.getByRole('table', { name: 'Jobs, newest first' });
    // The chosen VMs by name, in the job's order (by name).
    const title = `${[first.name, second.name].sort((a, b) => a.localeCompare(b)).join(' and ')} (lab)`;
    const row = history.getByRole('row').filter({ hasText: title });
    await row.waitFor();
    expect((await row.textContent()) ?? '').toContain('Succeeded');
    expect((await row.textContent()) ?? '').toContain('2 of 2');
    const clusterRow = history.getByRole('row').filter({ hasText: 'Cluster lab' });
    expect((await clusterRow.textContent()) ?? '').toContain(`${lab.vms.length} of ${lab.vms.length}`);
    // Its name is "Details of <title>, <when>" (a string name matches a part of the name).
    const details = row.getByRole('link', { name: `Details of ${title}, ` });
    expect(await details.getAttribute('href')).toBe(jobHref);
    await details.click();

    const panel = page.getByRole('region', { name: `Job: ${title}` });
    await waitForJobEnd(panel);
    const items = panel.getByRole('table', { name: `VMs of ${title}` });
    for (const vm of [first, second]) {
      expect((await items.getByRole('row').filter({ hasText: vm.name }).textContent()) ?? '').toContain('Done');
      // Done even when nothing changed since the first backup (0 of 0 bytes to read).
      expect(await items.getByRole('progressbar', { name: `Progress of ${vm.name}` }).getAttribute('aria-valuenow'), vm.name).toBe('100');
    }
    expect(await items.getByRole('row').count()).toBe(3);

    const log = panel.getByRole('region', { name: `Log of ${title}` });
    await log.waitFor();
    const lines = log.getByRole('listitem');
    await expect.poll(() => lines.count()).toBeGreaterThan(3);
    const logText = (await log.textContent()) ?? '';
    expect(logText).toContain('Started');
    for (const vm of [first, second]) expect(logText).toContain(`${vm.name}: started`);
    for (const vm of lab.vms.slice(2)) expect(logText).not.toContain(vm.name);
    expect(await log.getByText('Error', { exact: true }).count()).toBe(0);
    await panel.scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('backup-selected-job-log'), fullPage: true });

    // Each chosen VM has its second point now; the others still one.
    await nav().getByRole('link', { name: 'Restore points' }).click();
    const points = page.getByRole('region', { name: 'lab', exact: true });
    for (const vm of lab.vms) {
      const rows = points.getByRole('table', { name: `Restore points of ${vm.name}, newest first` }).getByRole('row');
      await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(vm === first || vm === second ? 3 : 2);
    }
    expect(pageErrors).toEqual([]);
  }, BACKUP_TIMEOUT_MS * 2);
});
