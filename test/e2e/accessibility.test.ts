// Accessibility, checked the way a user of a screen reader or a keyboard meets the app: axe-core's scan (WCAG 2.0/2.1
// A and AA, and its best practices) of every main screen, in the light and the dark theme — the clusters with the
// lab's inventory, the add-cluster and backup-settings dialogs, the jobs with one job's details, the restore points,
// the restore wizard's four steps, the settings — with no serious or critical violation, and Tab reaching every
// control of each screen with a visible focus ring; and the keyboard alone, from the page's load, reaching and
// pressing the main navigation, "Back up cluster" and the VMs' checkboxes.
// The built app in Chromium against a real `lifeboat serve` on a fresh data folder prepared with the CLI, and the
// real libvirt lab. Every violation (the moderate and minor ones too, which do not fail) is printed with its
// targets and written to test-output/e2e/accessibility.json.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { E2E_OUTPUT_DIR, launchChromium, screenshotPath } from '../support/browser.js';
import { runCli, startServe, type ServeProcess } from '../support/headless.js';
import { requireLab, type LabJson } from '../support/lab.js';
import { makeTempDir } from '../support/temp.js';
import { placement } from '../integration/restore/restore-lab.js';

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
const FAILING_IMPACTS = new Set(['serious', 'critical']);
const THEMES = ['light', 'dark'] as const;
const VM = 'lab-vm1';
const VIEWPORT = { width: 1280, height: 900 };
/** A lab backup of seven tiny VMs takes seconds; the limit leaves room for a busy machine. */
const BACKUP_TIMEOUT_MS = 150_000;

/** Runs the built `lifeboat` CLI on the data folder, as a user preparing it would; throws with its output on failure. */

/** One axe violation, as much of it as the report needs. */
interface Violation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: { target: string[]; summary: string }[];
}

interface ScreenResult {
  screen: string;
  theme: string;
  violations: Violation[];
  incomplete: string[];
  /** How many rules found elements to check and passed them all. */
  passed: number;
  /** The controls Tab went through, and the ones it never reached or reached without a visible focus ring. */
  keyboard: KeyboardWalk;
}

interface KeyboardWalk {
  stops: number;
  unreachable: string[];
  noFocusRing: string[];
}

/** What the keyboard focused, as a test can read it: the element's role, its accessible-ish name and where it is. */
interface Focused {
  tag: string;
  role: string | null;
  type: string | null;
  name: string;
  inNav: string | null;
}

describe('accessibility in Chromium against the lab', () => {
  let lab: LabJson;
  let temp: ReturnType<typeof makeTempDir>;
  let serve: ServeProcess;
  let chromium: Awaited<ReturnType<typeof launchChromium>>;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const results: ScreenResult[] = [];

  beforeAll(async () => {
    lab = requireLab();
    temp = makeTempDir('e2e-a11y');
    // The data folder, prepared from a shell: the lab cluster, a repository, and a backup of one VM so there are
    // restore points to show and to restore from. The keyboard test below starts a cluster backup, which gives
    // the Jobs view a job with its details (the CLI's backups run without one).
    runCli(temp.dir, 'cluster', 'add-lab');
    runCli(temp.dir, 'repo', 'init', join(temp.dir, 'repository'));
    const backup = JSON.parse(runCli(temp.dir, 'backup', '--cluster', 'lab', '--vm', VM)) as { vm: string; ok: boolean }[];
    expect(backup).toMatchObject([{ vm: VM, ok: true }]);
    serve = await startServe(temp.dir);
    chromium = await launchChromium();
    browser = chromium.browser;
  }, 240_000);

  /**
   * A new tab on the app (a fresh app: the stores of the previous one, the wizard's among them, are gone), loaded
   * on `route` when given (the app opens on the dashboard; the token stays in the tab across the reload).
   */
  async function openApp(route?: string): Promise<void> {
    const previous = page as Page | undefined;
    await previous?.close();
    page = await browser.newPage({ viewport: VIEWPORT });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    await page.goto(serve.url);
    if (route !== undefined) {
      await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
      await page.evaluate((hash) => {
        window.location.hash = hash;
      }, route);
      await page.reload();
    }
  }

  afterAll(async () => {
    await chromium?.close();
    await serve?.stop();
    temp?.remove();
    if (results.length > 0) {
      writeFileSync(join(E2E_OUTPUT_DIR, 'accessibility.json'), `${JSON.stringify(results, null, 2)}\n`);
    }
  });

  const nav = (): Locator => page.getByRole('navigation', { name: 'Main' });
  const clusterSection = (): Locator => page.getByRole('region', { name: 'lab', exact: true });

  async function waitForInventory(): Promise<Locator> {
    await page.getByRole('heading', { level: 1, name: 'Clusters' }).waitFor();
    const section = clusterSection();
    for (const vm of lab.vms) await section.getByRole('row').filter({ hasText: vm.name }).waitFor({ timeout: 30_000 });
    return section;
  }

  async function openView(link: string, heading: string): Promise<void> {
    await nav().getByRole('link', { name: link }).click();
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  }

  /**
   * Makes the window tall enough to show the whole screen: the view scrolls inside <main> (and a dialog inside
   * itself), and axe cannot tell the contrast of text scrolled out of sight. The screenshot then shows it all too.
   */
  async function showEverything(): Promise<void> {
    for (let round = 0; round < 3; round++) {
      const hidden = await page.evaluate(() =>
        Math.max(
          0,
          ...[...document.querySelectorAll('main, dialog[open]')].map((element) => element.scrollHeight - element.clientHeight),
        ),
      );
      if (hidden <= 1) return;
      const size = page.viewportSize()!;
      await page.setViewportSize({ width: size.width, height: Math.min(size.height + hidden, 8000) });
    }
  }

  /** Runs axe on the page as it is now, records and prints what it found, and takes the screen's screenshot. */
  async function scan(theme: string, screen: string): Promise<void> {
    await showEverything();
    // The app's Content-Security-Policy refuses inline scripts (addScriptTag's); an evaluation from the test is not one.
    if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(readFileSync(AXE_PATH, 'utf8'));
    const found = await page.evaluate(async (tags) => {
      const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<AxeResults> } }).axe;
      interface AxeNode {
        target: unknown[];
        failureSummary?: string;
      }
      interface AxeRule {
        id: string;
        impact?: string | null;
        help: string;
        helpUrl: string;
        nodes: AxeNode[];
      }
      interface AxeResults {
        violations: AxeRule[];
        incomplete: AxeRule[];
        passes: AxeRule[];
      }
      const run = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations', 'incomplete'] });
      return {
        violations: run.violations.map((rule) => ({
          id: rule.id,
          impact: rule.impact ?? null,
          help: rule.help,
          helpUrl: rule.helpUrl,
          nodes: rule.nodes.map((node) => ({ target: node.target.map(String), summary: (node.failureSummary ?? '').replace(/\s+/g, ' ').trim() })),
        })),
        // What axe could not decide (a color over an image, say): listed for a person to look at.
        incomplete: run.incomplete.flatMap((rule) =>
          rule.nodes.map((node) => `${rule.id} at ${node.target.map(String).join(' ')}: ${(node.failureSummary ?? '').replace(/\s+/g, ' ').trim()}`),
        ),
        passed: run.passes.length,
      };
    }, AXE_TAGS);
    await page.screenshot({ path: screenshotPath(`a11y-${theme}-${screen}`) });
    const keyboard = await walkWithTab();
    results.push({ screen, theme, ...found, keyboard });
    const lines = found.violations.flatMap((violation) => [
      `  [${violation.impact}] ${violation.id}: ${violation.help}`,
      ...violation.nodes.map((node) => `      ${node.target.join(' ')}${node.summary ? ` — ${node.summary}` : ''}`),
    ]);
    lines.push(...found.incomplete.map((line) => `  [needs review] ${line}`));
    lines.push(...keyboard.unreachable.map((control) => `  [keyboard] Tab never reaches ${control}`));
    lines.push(...keyboard.noFocusRing.map((control) => `  [keyboard] no visible focus ring on ${control}`));
    console.info(
      `accessibility.test: ${theme} / ${screen}: ${found.violations.length} violation(s), ${found.passed} rules passed, ${keyboard.stops} Tab stops${lines.length > 0 ? `\n${lines.join('\n')}` : ''}`,
    );
    await page.setViewportSize(VIEWPORT);
  }

  /**
   * Presses Tab through the screen (the open dialog only, when one is: the rest is inert) until every control has
   * had focus, each with a visible focus ring; a group of radios is one stop (arrows move within it). Returns the
   * controls it never reached and those that showed no ring.
   */
  async function walkWithTab(): Promise<KeyboardWalk> {
    const controls = await page.evaluate(() => {
      const scope: ParentNode = document.querySelector('dialog[open]') ?? document;
      const selector = 'a[href], button, input, select, textarea, summary, [tabindex]';
      const list = [...scope.querySelectorAll<HTMLElement>(selector)].filter(
        (element) =>
          element.tabIndex >= 0 &&
          !(element as HTMLButtonElement).disabled &&
          !(element instanceof HTMLInputElement && element.type === 'hidden') &&
          element.closest('[inert]') === null &&
          element.checkVisibility({ visibilityProperty: true }),
      );
      document.querySelectorAll('[data-a11y-stop]').forEach((element) => element.removeAttribute('data-a11y-stop'));
      const stops: Record<string, string> = {};
      for (const [index, element] of list.entries()) {
        const stop = element instanceof HTMLInputElement && element.type === 'radio' && element.name !== '' ? `radio:${element.name}` : String(index);
        element.setAttribute('data-a11y-stop', stop);
        const label = element.getAttribute('aria-label') ?? (element as HTMLInputElement).labels?.[0]?.textContent ?? element.textContent ?? '';
        stops[stop] ??= `<${element.tagName.toLowerCase()}${element.getAttribute('type') ? ` type=${element.getAttribute('type')}` : ''}> "${label.replace(/\s+/g, ' ').trim().slice(0, 60)}"`;
      }
      return stops;
    });
    const seen = new Set<string>();
    const noFocusRing = new Set<string>();
    const total = Object.keys(controls).length;
    for (let presses = 0; presses < total * 2 + 10 && seen.size < total; presses++) {
      await page.keyboard.press('Tab');
      const at = await page.evaluate(() => {
        const element = document.activeElement;
        const stop = element?.getAttribute('data-a11y-stop') ?? null;
        if (element === null || stop === null) return null;
        const style = getComputedStyle(element);
        const ring = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
        return { stop, ring };
      });
      if (at === null) continue;
      seen.add(at.stop);
      if (!at.ring) noFocusRing.add(at.stop);
    }
    return {
      stops: total,
      unreachable: Object.keys(controls)
        .filter((stop) => !seen.has(stop))
        .map((stop) => controls[stop]!),
      noFocusRing: [...noFocusRing].map((stop) => controls[stop]!),
    };
  }

  /** The serious and critical violations found in a theme, one line per rule and screen, and the keyboard's problems. */
  function failing(theme: string): string[] {
    return results
      .filter((result) => result.theme === theme)
      .flatMap((result) => [
        ...result.violations
          .filter((violation) => violation.impact !== null && FAILING_IMPACTS.has(violation.impact))
          .map((violation) => `${result.screen}: [${violation.impact}] ${violation.id} at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`),
        ...result.keyboard.unreachable.map((control) => `${result.screen}: Tab never reaches ${control}`),
        ...result.keyboard.noFocusRing.map((control) => `${result.screen}: no visible focus ring on ${control}`),
      ]);
  }

  async function focused(): Promise<Focused> {
    return page.evaluate(() => {
      const element = document.activeElement;
      if (!element || element === document.body) return { tag: 'body', role: null, type: null, name: '', inNav: null };
      return {
        tag: element.tagName.toLowerCase(),
        role: element.getAttribute('role'),
        type: element.getAttribute('type'),
        name: (element.getAttribute('aria-label') ?? element.textContent ?? '').replace(/\s+/g, ' ').trim(),
        inNav: element.closest('nav')?.getAttribute('aria-label') ?? null,
      };
    });
  }

  /** Presses Tab until `wanted` says yes to what has focus; fails with the path taken if it never does. */
  async function tabTo(what: string, wanted: (element: Focused) => boolean, limit = 80): Promise<Focused[]> {
    const path: Focused[] = [];
    for (let presses = 0; presses < limit; presses++) {
      await page.keyboard.press('Tab');
      const element = await focused();
      path.push(element);
      if (wanted(element)) return path;
    }
    throw new Error(`Tab never reached ${what}; it went through: ${path.map((element) => `${element.tag}"${element.name}"`).join(' → ')}`);
  }

  it('reaches and presses the main navigation, "Back up cluster" and the VMs’ checkboxes with the keyboard alone', async () => {
    await openApp('#/clusters');
    const section = await waitForInventory();
    expect((await focused()).tag).toBe('body');

    // From the page's load: the skip link first, then the main navigation, the cluster's actions, its VMs.
    const skip = await tabTo('the skip link', (element) => element.tag === 'a' && element.name === 'Skip to main content', 1);
    expect(skip).toHaveLength(1);
    const toNav = await tabTo('the main navigation', (element) => element.inNav === 'Main');
    expect(toNav.at(-1)).toMatchObject({ tag: 'a', name: 'Dashboard' });
    const toBackUp = await tabTo('"Back up cluster"', (element) => element.tag === 'button' && element.name === 'Back up cluster lab');
    const toCheckbox = await tabTo(`the checkbox of ${VM}`, (element) => element.type === 'checkbox' && element.name === `Choose ${VM}`);
    console.info(
      `accessibility.test: Tab from the page's load: ${[...skip, ...toNav, ...toBackUp, ...toCheckbox].map((element) => `${element.tag}"${element.name}"`).join(' → ')}`,
    );
    // The checkbox that chooses all VMs comes before the VMs' own.
    const checkboxes = toCheckbox.filter((element) => element.type === 'checkbox').map((element) => element.name);
    expect(checkboxes[0]).toBe('Choose all VMs of lab');

    // Space chooses the VM, and again un-chooses it.
    const checkbox = section.getByRole('checkbox', { name: `Choose ${VM}` });
    await page.keyboard.press('Space');
    expect(await checkbox.isChecked()).toBe(true);
    await section.getByText(`1 of ${lab.vms.length} VMs chosen`).waitFor();
    await page.keyboard.press('Space');
    expect(await checkbox.isChecked()).toBe(false);
    // Tab goes on through the other VMs' checkboxes.
    for (const vm of lab.vms.filter((vm) => vm.name !== VM)) {
      await tabTo(`the checkbox of ${vm.name}`, (element) => element.type === 'checkbox' && element.name === `Choose ${vm.name}`, 3);
    }

    // Enter on a link of the main navigation opens its view, and focus goes to its heading.
    await page.reload();
    await waitForInventory();
    await tabTo('the Jobs link', (element) => element.inNav === 'Main' && element.name === 'Jobs');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Jobs' }).waitFor();
    await expect.poll(async () => (await focused()).name).toBe('Jobs');
    expect((await focused()).tag).toBe('h1');

    // Enter on "Back up cluster" starts the cluster's backup, which ends in the section.
    await page.reload();
    await tabTo('the Clusters link', (element) => element.inNav === 'Main' && element.name === 'Clusters');
    await page.keyboard.press('Enter');
    await waitForInventory();
    await tabTo('"Back up cluster"', (element) => element.tag === 'button' && element.name === 'Back up cluster lab');
    await page.keyboard.press('Enter');
    const ended = section.locator('.cluster-backup-line', { hasText: 'Backup ended:' });
    await ended.waitFor({ timeout: BACKUP_TIMEOUT_MS });
    expect((await ended.textContent()) ?? '').toContain('Succeeded');
    // Focus stayed on the button through the backup.
    expect(await focused()).toMatchObject({ tag: 'button', name: 'Back up cluster lab' });
    expect(pageErrors).toEqual([]);
  }, BACKUP_TIMEOUT_MS * 2);

  for (const theme of THEMES) {
    it(`has no serious or critical axe violation, and no control Tab misses, on any main screen in the ${theme} theme`, async () => {
      await openApp();
      await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
      await openView('Settings', 'Settings');
      await page.getByLabel('Theme').selectOption(theme);
      await expect.poll(() => page.evaluate(() => document.documentElement.dataset['theme'])).toBe(theme);
      await page.getByText(temp.dir, { exact: true }).waitFor();
      await scan(theme, 'settings');

      // ---- The dashboard, with the lab's VMs and the repository's figures ----
      await openView('Dashboard', 'Dashboard');
      await page.getByRole('region', { name: 'lab', exact: true }).getByRole('row').filter({ hasText: VM }).waitFor({ timeout: 30_000 });
      await page.getByRole('region', { name: 'Repository', exact: true }).getByText('Size on disk', { exact: true }).waitFor();
      await scan(theme, 'dashboard');

      // ---- Clusters, with the lab's inventory, and its dialogs ----
      await openView('Clusters', 'Clusters');
      const section = await waitForInventory();
      await scan(theme, 'clusters');

      await page.getByRole('button', { name: 'Add cluster' }).click();
      const addDialog = page.getByRole('dialog', { name: 'Add cluster' });
      await addDialog.getByLabel('Cluster name').waitFor();
      await scan(theme, 'add-cluster-dialog');
      await addDialog.getByRole('button', { name: 'Cancel' }).click();
      await addDialog.waitFor({ state: 'hidden' });

      await section.getByRole('button', { name: 'Backup settings of lab' }).click();
      const settingsDialog = page.getByRole('dialog', { name: 'Backup settings of lab' });
      await settingsDialog.waitFor();
      await settingsDialog.getByRole('button', { name: 'Cancel' }).waitFor();
      await scan(theme, 'backup-settings-dialog');
      await settingsDialog.getByRole('button', { name: 'Cancel' }).click();
      await settingsDialog.waitFor({ state: 'hidden' });

      // ---- Jobs: the history, then the cluster backup's details and log ----
      await openView('Jobs', 'Jobs');
      const history = page.getByRole('table', { name: 'Jobs, newest first' });
      const row = history.getByRole('row').filter({ hasText: 'Cluster lab' }).first();
      await row.waitFor();
      await scan(theme, 'jobs');
      await row.getByRole('link', { name: /^Details of Cluster lab/ }).click();
      const panel = page.getByRole('region', { name: 'Job: Cluster lab' });
      await panel.getByRole('region', { name: 'Log of Cluster lab' }).getByRole('listitem').first().waitFor();
      await scan(theme, 'job-details');

      // ---- Restore points ----
      await openView('Restore points', 'Restore points');
      const points = page.getByRole('table', { name: `Restore points of ${VM}, newest first` });
      await points.waitFor();
      await scan(theme, 'restore-points');

      // ---- The restore wizard, steps 1 to 4, to a host other than the VM's; not started ----
      await points.getByRole('link', { name: new RegExp(`^Restore ${VM} from .+…$`) }).first().click();
      await page.getByRole('heading', { level: 1, name: 'Restore a VM' }).waitFor();
      const wizardHeading = page.locator('[data-wizard-heading]');
      await wizardHeading.filter({ hasText: 'Step 1 of 4: VM and restore point' }).waitFor();
      await page.getByText(`Chosen: ${VM},`).waitFor();
      await scan(theme, 'restore-1-point');

      await page.getByRole('button', { name: 'Next' }).click();
      await wizardHeading.filter({ hasText: 'Step 2 of 4: Target host' }).waitFor();
      const hosts = page.getByRole('group', { name: 'Target host' });
      await hosts.waitFor({ timeout: 60_000 });
      const target = lab.hosts.map((host) => host.name).find((name) => name !== placement(lab, VM))!;
      const targetRadio = hosts.getByRole('radio', { name: new RegExp(`^${target}\\b`) });
      await targetRadio.check();
      await scan(theme, 'restore-2-host');

      await page.getByRole('button', { name: 'Next' }).click();
      await wizardHeading.filter({ hasText: 'Step 3 of 4: Options' }).waitFor();
      await page.getByLabel('Name of the restored VM').fill(`restoretest-a11y-${theme}`);
      await scan(theme, 'restore-3-options');

      await page.getByRole('button', { name: 'Next' }).click();
      await wizardHeading.filter({ hasText: 'Step 4 of 4: Review' }).waitFor();
      await page.getByRole('definition').filter({ hasText: `restoretest-a11y-${theme} (a copy with a new identity)` }).waitFor({ timeout: 60_000 });
      await page.getByRole('button', { name: 'Start restore' }).waitFor();
      await scan(theme, 'restore-4-review');
      // Leave the wizard without starting the restore.
      await page.getByRole('link', { name: 'Cancel' }).click();
      await page.getByRole('heading', { level: 1, name: 'Restore points' }).waitFor();

      const serious = failing(theme);
      expect(serious, `serious or critical accessibility problems in the ${theme} theme:\n${serious.join('\n')}`).toEqual([]);
      expect(pageErrors).toEqual([]);
    }, 240_000);
  }
});
