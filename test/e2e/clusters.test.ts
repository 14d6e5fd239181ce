// Adding the lab cluster through the add-cluster dialog of the onboarding's second step, host key confirmation
// included, then seeing its VMs on the dashboard and in Clusters, in the built app in Chromium against a real
// `lifeboat serve` and the real libvirt lab.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, screenshotPath } from '../support/browser.js';
import { runCli, startServe, type ServeProcess } from '../support/headless.js';
import { requireLab, type LabJson } from '../support/lab.js';
import { makeTempDir } from '../support/temp.js';

describe('clusters in Chromium against the lab', () => {
  let lab: LabJson;
  let temp: ReturnType<typeof makeTempDir>;
  let serve: ServeProcess;
  let chromium: Awaited<ReturnType<typeof launchChromium>>;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    lab = requireLab();
    temp = makeTempDir('e2e-clusters');
    // A repository made from a shell: the onboarding opens on it and offers to keep it.
    runCli(temp.dir, 'repo', 'init', join(temp.dir, 'repository'));
    serve = await startServe(temp.dir);
    chromium = await launchChromium();
    browser = chromium.browser;
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await chromium?.close();
    await serve?.stop();
    temp?.remove();
  });

  it('adds the lab cluster over SSH, confirming each host key, and lists every lab VM on its host', async () => {
    await page.goto(serve.url);
    await page.getByRole('heading', { level: 1, name: 'Set up Lifeboat' }).waitFor();
    await page.getByText(/This is the repository Lifeboat uses now/).waitFor();
    await page.getByRole('button', { name: 'Continue with this repository' }).click();
    await page.getByRole('heading', { level: 2, name: 'Add your first cluster' }).waitFor();
    await page.getByRole('button', { name: 'Add cluster…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add cluster' });
    await dialog.waitFor();
    await dialog.getByLabel('Cluster name').fill('lab');

    for (const [index, host] of lab.hosts.entries()) {
      if (index > 0) await dialog.getByRole('button', { name: 'Add host' }).click();
      const group = dialog.getByRole('group', { name: `Host ${index + 1}` });
      await group.getByLabel('Transport').selectOption('ssh');
      await group.getByLabel('Address', { exact: true }).fill('127.0.0.1');
      await group.getByLabel('Port', { exact: true }).fill(String(host.sshPort));
      await group.getByLabel('User name').fill(lab.sshKey.user);
      await group.getByLabel('Authentication').selectOption('key');
      await group.getByLabel('Private key file').fill(lab.sshKey.privateKeyPath);
      await group.getByRole('button', { name: 'Test connection' }).click();
      // First contact: the dialog shows the host's key and asks for confirmation before trusting it.
      await group.getByText(host.sshHostKeyFingerprint).waitFor();
      if (index === 0) await page.screenshot({ path: screenshotPath('clusters-host-key-confirmation') });
      await group.getByRole('button', { name: 'Trust this host key' }).click();
      await group.getByText(new RegExp(`Connected to ${host.name}: libvirt 9`)).waitFor();
    }
    await page.screenshot({ path: screenshotPath('clusters-add-dialog-tested') });
    await dialog.getByRole('button', { name: 'Save cluster' }).click();
    await dialog.waitFor({ state: 'hidden' });

    // The onboarding lists the cluster and leads to the dashboard, which shows the lab's VMs, never backed up.
    await page.getByRole('listitem').filter({ hasText: 'lab' }).waitFor();
    await page.getByRole('button', { name: 'Go to the dashboard' }).click();
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    const card = page.getByRole('region', { name: 'lab', exact: true });
    for (const vm of lab.vms) await card.getByRole('row').filter({ hasText: vm.name }).filter({ hasText: 'Never backed up' }).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: screenshotPath('dashboard-lab-never-backed-up'), fullPage: true });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clusters' }).click();
    await page.getByRole('heading', { level: 1, name: 'Clusters' }).waitFor();

    const section = page.getByRole('region', { name: 'lab', exact: true });
    for (const vm of lab.vms) {
      const row = section.getByRole('row').filter({ hasText: vm.name });
      await row.waitFor();
      expect(await row.textContent()).toContain(vm.state === 'running' ? 'Running' : 'Shut off');
    }
    for (const host of lab.hosts) await section.getByText(host.name, { exact: true }).first().waitFor();
    await page.screenshot({ path: screenshotPath('clusters-lab-inventory'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});
