// Restoring a VM from the app, as a user does it: from a point's "Restore…" in the Restore points view, through the
// wizard (the point, a host other than the VM's own, a new name and "start", the engine's review), the live progress
// and the result, to the VM running on the chosen host in the Clusters view, and by virsh on that host. The built
// app in Chromium against a real `lifeboat serve` on a fresh data folder prepared with the CLI, and the real lab.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchChromium, screenshotPath } from '../support/browser.js';
import { runCli, startServe, type ServeProcess } from '../support/headless.js';
import { requireLab, virsh, type LabJson } from '../support/lab.js';
import { makeTempDir } from '../support/temp.js';
import { cleanRestoreTests, placement } from '../integration/restore/restore-lab.js';

const VM = 'lab-vm1';
const NAME = 'restoretest-e2e';
/** A lab restore of a 256 MiB disk takes seconds; the limit leaves room for a busy machine. */
const RESTORE_TIMEOUT_MS = 150_000;

/** Runs the built `lifeboat` CLI on the data folder, as a user preparing it would; throws with its output on failure. */

/**
 * Records, from the moment the page loads, every heading the wizard shows and every value its progress bars take:
 * a lab restore is over in seconds, so polling from the test could miss the progress step. Runs in the page.
 */
function recordWizard(): void {
  const headings: string[] = [];
  const bars: Record<string, number[]> = {};
  Object.assign(window, { wizardHeadings: headings, wizardBars: bars });
  const record = (element: Element): void => {
    if (element.hasAttribute('data-wizard-heading') && headings.at(-1) !== element.textContent) headings.push(element.textContent);
    const label = element.getAttribute('aria-label');
    const now = element.getAttribute('aria-valuenow');
    if (element.getAttribute('role') !== 'progressbar' || label === null || now === null) return;
    const values = (bars[label] ??= []);
    if (values.at(-1) !== Number(now)) values.push(Number(now));
  };
  new MutationObserver((records) => {
    for (const change of records) {
      if (change.type === 'attributes') record(change.target as Element);
      if (change.type === 'characterData') {
        const parent = change.target.parentElement;
        if (parent) record(parent);
      }
      for (const node of change.addedNodes) {
        if (node instanceof Text && node.parentElement) record(node.parentElement);
        if (!(node instanceof Element)) continue;
        record(node);
        node.querySelectorAll('[role="progressbar"], [data-wizard-heading]').forEach(record);
      }
    }
  }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['aria-valuenow'] });
}

describe('restoring a VM in Chromium against the lab', () => {
  let lab: LabJson;
  let temp: ReturnType<typeof makeTempDir>;
  let serve: ServeProcess;
  let chromium: Awaited<ReturnType<typeof launchChromium>>;
  let browser: Browser;
  let page: Page;
  let pointId: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    lab = requireLab();
    cleanRestoreTests(lab);
    temp = makeTempDir('e2e-restore');
    // The data folder is prepared from a shell: the lab cluster (over SSH, add-lab's default, which backups and
    // restores need), a new repository, and one backup of the VM to restore.
    const cluster = JSON.parse(runCli(temp.dir, 'cluster', 'add-lab')) as { hosts: { spec: { transport: string } }[] };
    expect(cluster.hosts.map((host) => host.spec.transport)).toEqual(lab.hosts.map(() => 'ssh'));
    runCli(temp.dir, 'repo', 'init', join(temp.dir, 'repository'));
    const backup = JSON.parse(runCli(temp.dir, 'backup', '--cluster', 'lab', '--vm', VM)) as { vm: string; ok: boolean; point?: string }[];
    expect(backup).toMatchObject([{ vm: VM, ok: true }]);
    pointId = backup[0]!.point!;
    serve = await startServe(temp.dir);
    chromium = await launchChromium();
    browser = chromium.browser;
    page = await browser.newPage({ viewport: { width: 1280, height: 1024 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    await page.addInitScript(recordWizard);
  }, 240_000);

  afterAll(async () => {
    await chromium?.close();
    await serve?.stop();
    if (lab) cleanRestoreTests(lab);
    temp?.remove();
  });

  const nav = (): Locator => page.getByRole('navigation', { name: 'Main' });
  const wizardHeading = (): Locator => page.locator('[data-wizard-heading]');

  /** Focus is on the step's heading, as it is after every move through the wizard. */
  async function expectFocusOnHeading(text: string | RegExp): Promise<void> {
    await expect
      .poll(() => page.evaluate(() => (document.activeElement?.hasAttribute('data-wizard-heading') ? document.activeElement.textContent : null)))
      .toMatch(text);
  }

  /** Focus is on the input a problem concerns. */
  async function expectFocusOnField(field: string): Promise<void> {
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-wizard-focus'))).toBe(field);
  }

  it('restores the VM to another host from its point, starts it there, and shows it on that host', async () => {
    const began = Date.now();
    const home = placement(lab, VM);
    const target = lab.hosts.map((host) => host.name).find((name) => name !== home)!;
    console.info(`restore.test: ${VM} runs on ${home}; restoring it to ${target} as ${NAME}`);

    // ---- From the Restore points view: the point's "Restore…" ----
    await page.goto(serve.url);
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    await nav().getByRole('link', { name: 'Restore points' }).click();
    await page.getByRole('heading', { level: 1, name: 'Restore points' }).waitFor();
    const table = page.getByRole('table', { name: `Restore points of ${VM}, newest first` });
    await table.waitFor();
    const restoreLink = table.getByRole('link', { name: new RegExp(`^Restore ${VM} from .+…$`) });
    expect(await restoreLink.getAttribute('href')).toBe(`#/restore/${pointId}`);
    await restoreLink.click();

    // ---- 1. VM and restore point: the point is chosen, its VM searched ----
    await page.getByRole('heading', { level: 1, name: 'Restore a VM' }).waitFor();
    await wizardHeading().filter({ hasText: 'Step 1 of 4: VM and restore point' }).waitFor();
    const pointRadio = page.locator(`input[type="radio"][value="${pointId}"]`);
    await pointRadio.waitFor();
    expect(await pointRadio.isChecked()).toBe(true);
    expect(await page.getByLabel('Find a VM by name').inputValue()).toBe(VM);
    const pointGroup = page.getByRole('group', { name: `${VM} (lab)` });
    expect(await pointGroup.textContent()).toMatch(/Full · from lab\d/);
    await page.getByText(`Chosen: ${VM},`).waitFor();
    expect(await page.getByRole('navigation', { name: 'Steps of the restore' }).locator('[aria-current="step"]').textContent()).toContain('VM and restore point');
    await page.screenshot({ path: screenshotPath('restore-1-point'), fullPage: true });
    // Keyboard: Next takes focus and Enter presses it.
    await page.getByRole('button', { name: 'Next' }).focus();
    await page.keyboard.press('Enter');

    // ---- 2. Target host: every lab host with its state and pools; one other than the VM's own ----
    await expectFocusOnHeading('Step 2 of 4: Target host');
    const hosts = page.getByRole('group', { name: 'Target host' });
    await hosts.waitFor({ timeout: 60_000 });
    for (const host of lab.hosts) {
      const radio = hosts.getByRole('radio', { name: new RegExp(`^${host.name}\\b`) });
      await radio.waitFor();
      expect(await radio.isDisabled(), host.name).toBe(false);
    }
    expect(await hosts.textContent()).toContain('Has the original VM');
    expect(await hosts.textContent()).toMatch(/default \(dir\): [\d.]+ GiB free of [\d.]+ GiB/);
    expect(await hosts.textContent()).toContain('room for the disks');
    await page.getByText('Its disks need 256 MiB free in one storage pool.').waitFor();
    const targetRadio = hosts.getByRole('radio', { name: new RegExp(`^${target}\\b`) });
    // Keyboard: focus the radio and press Space to choose it.
    await targetRadio.focus();
    await page.keyboard.press('Space');
    expect(await targetRadio.isChecked()).toBe(true);
    await page.screenshot({ path: screenshotPath('restore-2-host'), fullPage: true });
    await page.getByRole('button', { name: 'Next' }).click();

    // ---- 3. Options: a new name, start after restore ----
    await expectFocusOnHeading('Step 3 of 4: Options');
    const name = page.getByLabel('Name of the restored VM');
    expect(await name.inputValue()).toBe(`${VM}-restored`);
    // A name the contract refuses is said at the field, and focus goes there.
    await name.fill('restore test');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Use letters, digits and . _ + - only, starting with a letter or digit.').waitFor();
    await expectFocusOnField('name');
    expect(await name.getAttribute('aria-invalid')).toBe('true');
    // A name taken on the host passes the wizard's checks; the engine's review refuses it, and the wizard brings
    // the user back to the name with the engine's words there.
    const taken = virsh(lab, target, 'list', '--all', '--name').split('\n').map((line) => line.trim()).find((line) => line.startsWith('lab-vm'));
    if (taken !== undefined) {
      await name.fill(taken);
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByText(`The engine refused this: ${target} already has a VM named ${taken}`).waitFor({ timeout: 60_000 });
      await expectFocusOnField('name');
      expect(await page.locator('section[data-step="options"]').count()).toBe(1);
      expect(await name.getAttribute('aria-invalid')).toBe('true');
    } else {
      console.warn(`restore.test: ${target} has no lab VM to take the name of; the engine's refusal is not tried`);
    }
    await name.fill(NAME);
    expect(await name.getAttribute('aria-invalid')).toBeNull();
    // Replace is offered only on the host with the original.
    expect(await page.getByText(`The original VM is not on ${target}`).count()).toBe(1);
    expect(await page.getByLabel('Storage pool').inputValue()).toBe('default');
    expect(await page.getByRole('radio', { name: /^qcow2/ }).isChecked()).toBe(true);
    await page.getByLabel('Start the VM once it is restored').check();
    await page.screenshot({ path: screenshotPath('restore-3-options'), fullPage: true });
    await page.getByRole('button', { name: 'Next' }).click();

    // ---- 4. Review: the engine's plan ----
    await expectFocusOnHeading('Step 4 of 4: Review');
    const plan = page.getByRole('definition').filter({ hasText: `${NAME} (a copy with a new identity)` });
    await plan.waitFor({ timeout: 60_000 });
    const review = page.locator('section[data-step="review"]');
    const reviewText = (await review.textContent()) ?? '';
    expect(reviewText).toContain(target);
    expect(reviewText).toMatch(/256 MiB needed, [\d.]+ GiB free/);
    expect(reviewText).toContain(`${NAME}-vda.qcow2`);
    expect(reviewText).toContain('Started');
    await page.screenshot({ path: screenshotPath('restore-4-review'), fullPage: true });
    await page.getByRole('button', { name: 'Start restore' }).click();

    // ---- Progress, then the result ----
    const progressHeading = wizardHeading().filter({ hasText: `Restoring ${NAME} to ${target}` });
    const doneHeading = wizardHeading().filter({ hasText: `${NAME} is restored on ${target}` });
    const failedHeading = wizardHeading().filter({ hasText: /^The restore (failed|was cancelled)$/ });
    // The progress step, once its bar shows a value (the engine's first report), unless the restore ended first.
    const progressBar = page.locator('section[data-step="progress"] [role="progressbar"][aria-valuenow]').first();
    const shown = await Promise.race([
      progressBar.waitFor({ timeout: RESTORE_TIMEOUT_MS }).then(() => 'progress' as const),
      doneHeading.waitFor({ timeout: RESTORE_TIMEOUT_MS }).then(() => 'done' as const),
      failedHeading.waitFor({ timeout: RESTORE_TIMEOUT_MS }).then(() => 'failed' as const),
    ]);
    if (shown === 'progress') {
      await progressHeading.waitFor();
      await page.screenshot({ path: screenshotPath('restore-5-progress'), fullPage: true });
    } else {
      console.warn(`restore.test: the restore ended (${shown}) before its progress could be photographed`);
    }
    await Promise.race([doneHeading.waitFor({ timeout: RESTORE_TIMEOUT_MS }), failedHeading.waitFor({ timeout: RESTORE_TIMEOUT_MS })]);
    if ((await failedHeading.count()) > 0) {
      throw new Error(`the restore did not succeed: ${await page.locator('section[data-step="result"]').textContent()}`);
    }
    await expectFocusOnHeading(`${NAME} is restored on ${target}`);
    const result = page.locator('section[data-step="result"]');
    await result.getByText(`${NAME} is running on ${target}.`).waitFor();
    expect(await result.textContent()).toContain(`default/${NAME}-vda.qcow2`);
    const jobLink = result.getByRole('link', { name: 'View the job and its log' });
    expect(await jobLink.getAttribute('href')).toMatch(/^#\/jobs\/[0-9a-f-]{36}$/);
    await page.screenshot({ path: screenshotPath('restore-6-done'), fullPage: true });

    // The wizard showed every step, the progress among them, with bars that moved.
    const { headings, bars } = await page.evaluate(() => {
      const recorded = window as unknown as { wizardHeadings: string[]; wizardBars: Record<string, number[]> };
      return { headings: recorded.wizardHeadings, bars: recorded.wizardBars };
    });
    console.info(`restore.test: headings shown ${JSON.stringify(headings)}; bar values ${JSON.stringify(bars)}`);
    expect(headings).toContain(`Restoring ${NAME} to ${target}`);
    const overall = bars[`Restore of ${NAME}`] ?? [];
    expect(overall.length, 'the restore’s bar never showed a value').toBeGreaterThan(0);
    expect(overall, 'a running restore showed 100%').not.toContain(100);
    expect(bars['Disk vda']?.length ?? 0, 'the disk’s bar never showed a value').toBeGreaterThan(0);

    // ---- The VM in the Clusters view, on the chosen host, running ----
    await result.getByRole('link', { name: `See ${NAME} in Clusters` }).click();
    await page.getByRole('heading', { level: 1, name: 'Clusters' }).waitFor();
    const section = page.getByRole('region', { name: 'lab', exact: true });
    const row = section.getByRole('row').filter({ hasText: NAME });
    await row.waitFor({ timeout: 30_000 });
    await expect.poll(async () => (await row.locator('.host-cell').textContent())?.trim(), { timeout: 30_000 }).toBe(target);
    await expect.poll(async () => (await row.textContent()) ?? '', { timeout: 30_000 }).toContain('Running');
    await row.scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('restore-7-inventory'), fullPage: true });

    // ---- And virsh on that host agrees ----
    expect(virsh(lab, target, 'domstate', NAME).trim()).toBe('running');
    for (const other of lab.hosts.filter((host) => host.name !== target)) {
      expect(virsh(lab, other.name, 'list', '--all', '--name').split('\n'), other.name).not.toContain(NAME);
    }
    // The original is untouched on its host.
    expect(virsh(lab, home, 'domstate', VM).trim()).toBe('running');
    expect(pageErrors).toEqual([]);
    console.info(`restore.test: the wizard, from the point to the VM running on ${target}, took ${((Date.now() - began) / 1000).toFixed(1)} s`);
  }, RESTORE_TIMEOUT_MS * 2);
});
