// The first run, end to end, as a new user meets it in English and in Japanese (Chromium's locale, so the
// `system` language setting picks the language): a fresh data folder and a fresh home, the onboarding (the proposed
// repository folder in the home, created; the lab cluster added through the add-cluster dialog, every host over SSH
// with a passphrase-protected key and its host key confirmed against lab.json), the dashboard's one-click "Back up
// cluster" followed to its end in Jobs, then the restore wizard from a point to another host, as a copy that runs
// there (checked with virsh). Every main screen is photographed and scanned by axe (no serious or critical
// violation). The key's passphrase is this run's secret: afterwards it is looked for in every WebSocket frame the
// page received, in the data folder (catalog, its WAL, logs, settings, secrets file), the repository and serve's
// stderr, and must be in none of them; the sent frames carrying it to the engine are listed. The serve secrets
// passphrase must be nowhere at all.
// With LIFEBOAT_UPDATE_SCREENSHOTS=1 (`npm run screenshots`) the screenshots the docs show are copied to
// docs/screenshots/<name>-<language>.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, chmodSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { resources } from '../../renderer/src/locales/index.js';
import { seriousViolations } from '../support/axe.js';
import { launchChromium, screenshotPath } from '../support/browser.js';
import { startServe, TEST_SECRETS_PASSPHRASE, type ServeProcess } from '../support/headless.js';
import { requireLab, virsh, type LabJson } from '../support/lab.js';
import { makeTempDir } from '../support/temp.js';
import { cleanRestoreTests, placement, PREFIX } from '../integration/restore/restore-lab.js';

type Language = 'en' | 'ja';
const RUNS: { language: Language; locale: string }[] = [
  { language: 'en', locale: 'en-US' },
  { language: 'ja', locale: 'ja-JP' },
];
const VIEWPORT = { width: 1280, height: 800 };
const CLUSTER = 'lab';
/** The folder the onboarding proposes in the home (electron/engine/dashboard/onboarding.ts). */
const PROPOSED_FOLDER = 'Lifeboat Backups';
/** A lab backup of seven tiny VMs, or a restore of one, takes seconds to a minute; the limits leave room. */
const JOB_TIMEOUT_MS = 240_000;
const UPDATE_SCREENSHOTS = process.env['LIFEBOAT_UPDATE_SCREENSHOTS'] === '1';
const DOCS_SCREENSHOTS = resolve('docs', 'screenshots');

/**
 * A string of the renderer's resources in a language, as i18next would give it: `ns:a.b` looked up, the plural
 * form chosen by `count` (English `_one`/`_other`, Japanese `_other` only), `{{name}}` and `{{name, number}}` filled.
 */
function tr(language: Language, key: string, values: Record<string, string | number> = {}): string {
  const [namespace, path] = key.split(':') as [string, string];
  let node: unknown = (resources[language] as unknown as Record<string, unknown>)[namespace];
  const parts = path.split('.');
  const last = parts.pop()!;
  for (const part of parts) node = (node as Record<string, unknown>)[part];
  const group = node as Record<string, unknown>;
  let text = group[last];
  if (text === undefined && typeof values['count'] === 'number') {
    text = group[language === 'en' && values['count'] === 1 ? `${last}_one` : `${last}_other`];
  }
  if (typeof text !== 'string') throw new Error(`no string ${key} in ${language}`);
  const numbers = new Intl.NumberFormat(language === 'ja' ? 'ja-JP' : 'en');
  return text.replace(/\{\{(\w+)(, number)?\}\}/g, (_, name: string, number?: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`${key} needs {{${name}}}`);
    return number && typeof value === 'number' ? numbers.format(value) : String(value);
  });
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A string of the resources as a pattern: the values given filled in, every other `{{…}}` standing for any text. */
function pattern(language: Language, key: string, values: Record<string, string> = {}): RegExp {
  const marker = '\u0000';
  const text = tr(language, key, new Proxy(values, { get: (given, name: string) => given[name] ?? marker }));
  return new RegExp(`^${text.split(marker).map(escapeRegExp).join('.+')}$`);
}

/** Every file under a folder (recursively), by path. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile());
}

/** The files, among those given, whose bytes hold the UTF-8 bytes of `secret`. */
function filesHolding(files: string[], secret: string): string[] {
  const needle = Buffer.from(secret, 'utf8');
  return files.filter((path) => readFileSync(path).includes(needle));
}

/** What the WebSocket between the page and `lifeboat serve` carried, frame by frame. */
interface Frames {
  sent: Buffer[];
  received: Buffer[];
}

function recordFrames(page: Page): Frames {
  const frames: Frames = { sent: [], received: [] };
  const bytes = (payload: string | Buffer): Buffer => (typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload));
  page.on('websocket', (socket) => {
    socket.on('framesent', (frame) => frames.sent.push(bytes(frame.payload)));
    socket.on('framereceived', (frame) => frames.received.push(bytes(frame.payload)));
  });
  return frames;
}

/** The method a sent frame calls (`clusters.add`), or its kind (`sub`, `cancel`) when it is no call. */
function whatFrameDoes(frame: Buffer): string {
  try {
    const message = JSON.parse(frame.toString('utf8')) as { t?: string; method?: string; topic?: string };
    return message.t === 'call' ? `call ${message.method}` : `${message.t} ${message.topic ?? ''}`.trim();
  } catch {
    return '(not JSON)';
  }
}

describe('first run in Chromium against the lab, in English and in Japanese', () => {
  let lab: LabJson;
  let temp: ReturnType<typeof makeTempDir>;
  let chromium: Awaited<ReturnType<typeof launchChromium>>;
  let browser: Browser;
  const serves: ServeProcess[] = [];
  const contexts: BrowserContext[] = [];
  const timings: string[] = [];

  beforeAll(async () => {
    lab = requireLab();
    cleanRestoreTests(lab);
    temp = makeTempDir('e2e-first-run');
    chromium = await launchChromium();
    browser = chromium.browser;
    if (UPDATE_SCREENSHOTS) mkdirSync(DOCS_SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await chromium?.close();
    for (const serve of serves) await serve.stop();
    if (lab) cleanRestoreTests(lab);
    temp?.remove();
    if (timings.length > 0) console.info(`first-run.test: ${timings.join('; ')}`);
  });

  for (const { language, locale } of RUNS) {
    it(`goes from a fresh install through onboarding, a one-click backup and a restore to another host, in ${language === 'en' ? 'English' : 'Japanese'}`, async () => {
      const began = Date.now();
      const t = (key: string, values?: Record<string, string | number>): string => tr(language, key, values);
      cleanRestoreTests(lab);

      // ---- A fresh install: its own data folder and home; a copy of the lab's key under a passphrase ----
      const runDir = join(temp.dir, language);
      const dataDir = join(runDir, 'data');
      const home = join(runDir, 'home');
      const keyDir = join(runDir, 'keys');
      for (const dir of [dataDir, home, keyDir]) mkdirSync(dir, { recursive: true });
      const keyPath = join(keyDir, 'id_ed25519');
      copyFileSync(lab.sshKey.privateKeyPath, keyPath);
      chmodSync(keyPath, 0o600);
      // Letters, digits, - and _ only: the same bytes in a JSON frame, a log line or a file.
      const keyPassphrase = `first-run-${randomBytes(18).toString('base64url')}`;
      const protect = spawnSync('ssh-keygen', ['-p', '-P', '', '-N', keyPassphrase, '-f', keyPath], { encoding: 'utf8' });
      expect(protect.status, protect.stderr).toBe(0);
      // The same key pair, now readable only with the passphrase.
      const publicKey = readFileSync(lab.sshKey.publicKeyPath, 'utf8').split(' ').slice(0, 2).join(' ').trim();
      const derived = spawnSync('ssh-keygen', ['-y', '-P', keyPassphrase, '-f', keyPath], { encoding: 'utf8' }).stdout;
      expect(derived.split(' ').slice(0, 2).join(' ').trim()).toBe(publicKey);
      expect(spawnSync('ssh-keygen', ['-y', '-P', '', '-f', keyPath], { encoding: 'utf8' }).status).not.toBe(0);

      // Without --json, as in a terminal: serve logs to stderr (at debug level, the most it ever says).
      const serve = await startServe(dataDir, [], { env: { HOME: home, LIFEBOAT_LOG_LEVEL: 'debug' }, logToStderr: true });
      serves.push(serve);
      const context = await browser.newContext({ locale, viewport: VIEWPORT });
      contexts.push(context);
      const page = await context.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error') pageErrors.push(message.text());
      });
      const frames = recordFrames(page);
      const problems: string[] = [];
      const scan = async (screen: string): Promise<void> => {
        problems.push(...(await seriousViolations(page)).map((line) => `${screen} (${language}): ${line}`));
      };
      const shoot = async (name: string, forDocs = false): Promise<void> => {
        const path = screenshotPath(`first-run-${language}-${name}`);
        await page.screenshot({ path });
        if (forDocs && UPDATE_SCREENSHOTS) copyFileSync(path, join(DOCS_SCREENSHOTS, `${name}-${language}.png`));
      };
      const nav = (): Locator => page.getByRole('navigation', { name: t('common:navigationLabel') });

      // ---- Onboarding, step 1: the proposed folder, in the home ----
      await page.goto(serve.url);
      await page.getByRole('heading', { level: 1, name: t('onboarding:title') }).waitFor();
      // The UI really is in the run's language: the browser asks for it, and the page says it is in it.
      expect((await page.evaluate(() => navigator.languages))[0]).toBe(locale);
      expect(await page.evaluate(() => document.documentElement.lang)).toBe(language);
      expect(await page.getByRole('heading', { level: 2 }).first().textContent()).toBe(t('onboarding:repository.heading'));
      const folder = page.getByLabel(t('onboarding:repository.folderLabel'), { exact: true });
      const proposed = await folder.inputValue();
      expect(proposed).toBe(join(home, PROPOSED_FOLDER));
      expect(proposed.startsWith(home + sep)).toBe(true);
      const check = page.getByRole('status', { name: t('onboarding:repository.resultLabel') });
      await check.getByText(t('onboarding:repository.kinds.missing_folder')).waitFor();
      // Its free space, in words ("… free of …." / "空き容量 … (全体 …)。").
      await check.getByText(pattern(language, 'onboarding:repository.freeOfTotal')).waitFor();
      const create = page.getByRole('button', { name: t('onboarding:repository.create'), exact: true });
      await expect.poll(() => create.getAttribute('aria-disabled')).toBe('false');
      await shoot('onboarding', true);
      await scan('onboarding, repository step');
      await create.click();

      // ---- Onboarding, step 2: the lab cluster through the add-cluster dialog, every host over SSH ----
      await page.getByRole('heading', { level: 2, name: t('onboarding:cluster.heading') }).waitFor();
      expect(readdirSync(proposed).length, 'files of the new repository').toBeGreaterThan(0);
      await scan('onboarding, cluster step');
      await page.getByRole('button', { name: t('onboarding:cluster.add'), exact: true }).click();
      const dialog = page.getByRole('dialog', { name: t('addCluster:titleAdd') });
      await dialog.waitFor();
      await dialog.getByLabel(t('addCluster:clusterName'), { exact: true }).fill(CLUSTER);
      for (const [index, host] of lab.hosts.entries()) {
        if (index > 0) await dialog.getByRole('button', { name: t('addCluster:addHost'), exact: true }).click();
        const fieldset = dialog.getByRole('group', { name: t('addCluster:hostLegend', { number: index + 1 }), exact: true });
        await fieldset.waitFor();
        expect(await fieldset.getByLabel(t('addCluster:transport'), { exact: true }).inputValue()).toBe('ssh');
        await fieldset.getByLabel(t('addCluster:hostLabel'), { exact: true }).fill(host.name);
        await fieldset.getByLabel(t('addCluster:address'), { exact: true }).fill('127.0.0.1');
        await fieldset.getByLabel(t('addCluster:port'), { exact: true }).fill(String(host.sshPort));
        await fieldset.getByLabel(t('addCluster:userName'), { exact: true }).fill(lab.sshKey.user);
        expect(await fieldset.getByLabel(t('addCluster:authentication'), { exact: true }).inputValue()).toBe('key');
        await fieldset.getByLabel(t('addCluster:privateKeyFile'), { exact: true }).fill(keyPath);
        // A new host takes the key path from the one before, never its passphrase: typed for every host.
        const passphrase = fieldset.getByLabel(t('addCluster:keyPassphrase'), { exact: true });
        expect(await passphrase.inputValue()).toBe('');
        await passphrase.fill(keyPassphrase);
        await fieldset.getByRole('button', { name: t('addCluster:testConnection'), exact: true }).click();
        // An unknown host: its key is shown to be checked; it is the one lab.json says the host has.
        const unknownKey = fieldset.locator('.host-key-unknown');
        await unknownKey.waitFor({ timeout: 60_000 });
        expect(await unknownKey.locator('.host-key-title').textContent()).toBe(t('addCluster:hostKeyUnknownTitle'));
        expect((await unknownKey.locator('code.fingerprint').textContent())?.trim(), host.name).toBe(host.sshHostKeyFingerprint);
        // The docs show the dialog at this step, the first host's key waiting to be checked.
        if (index === 0) await shoot('add-cluster', true);
        await unknownKey.getByRole('button', { name: t('addCluster:trustHostKey'), exact: true }).click();
        // Trusting tests again, now with the key pinned: the host answers as itself.
        const outcome = fieldset.locator('.host-test-status');
        await expect.poll(async () => (await outcome.textContent()) ?? '', { timeout: 60_000 }).not.toBe('');
        await fieldset.locator('.test-ok').waitFor({ timeout: 60_000 }).catch(async () => {
          throw new Error(`testing ${host.name} did not succeed: ${await outcome.textContent()}`);
        });
        expect(await fieldset.locator('.test-ok').textContent()).toContain(host.name);
        expect(await fieldset.locator('.host-key-confirmed code.fingerprint').textContent()).toBe(host.sshHostKeyFingerprint);
      }
      await dialog.locator('.modal-summary').getByText(t('addCluster:summary', { count: lab.hosts.length })).waitFor();
      await shoot('add-cluster-tested');
      await scan('add-cluster dialog');
      await dialog.getByRole('button', { name: t('addCluster:save'), exact: true }).click();
      await dialog.waitFor({ state: 'hidden', timeout: 60_000 });
      const added = page.locator('.onboarding-clusters li').filter({ hasText: CLUSTER });
      await added.waitFor();
      await shoot('onboarding-cluster-added');
      await page.getByRole('button', { name: t('onboarding:cluster.finish'), exact: true }).click();

      // ---- Dashboard: the cluster with its VMs; "Back up cluster", one click ----
      await page.getByRole('heading', { level: 1, name: t('common:views.dashboard') }).waitFor();
      await nav().waitFor();
      const clusterCard = page.getByRole('region', { name: CLUSTER, exact: true });
      await clusterCard.getByText(t('dashboard:cluster.hosts', { connected: lab.hosts.length, total: lab.hosts.length })).waitFor({ timeout: 60_000 });
      const vmTable = clusterCard.getByRole('table');
      for (const vm of lab.vms) await vmTable.getByRole('row').filter({ hasText: vm.name }).waitFor({ timeout: 60_000 });
      await scan('dashboard, before the first backup');
      await shoot('dashboard-before-backup');
      const onboardingAt = Date.now();
      await clusterCard.getByRole('button', { name: t('clusters:backup.backUpClusterLabel', { cluster: CLUSTER }), exact: true }).click();

      // ---- Jobs: the backup's progress, followed to its end ----
      const jobLink = clusterCard
        .getByRole('link', { name: new RegExp(`^(${escapeRegExp(t('clusters:backup.viewJobLabel', { cluster: CLUSTER }))}|${escapeRegExp(t('clusters:backup.follow'))})$`) })
        .first();
      await jobLink.waitFor();
      expect(await jobLink.getAttribute('href')).toMatch(/^#\/jobs\/[0-9a-f-]{36}$/);
      await jobLink.click();
      await page.getByRole('heading', { level: 1, name: t('common:views.jobs') }).waitFor();
      // The job's title in the shown language, put together from its subject.
      const jobTitle = t('jobs:titles.cluster', { cluster: CLUSTER });
      const finalStates = ['succeeded', 'partial', 'failed', 'cancelled'].map((state) => t(`jobs:states.${state}`));
      const panel = page.getByRole('region', { name: t('jobs:detail.heading', { title: jobTitle }), exact: true });
      const badge = panel.locator('.job-detail-facts .job-state');
      const card = page.getByRole('article', { name: jobTitle, exact: true });
      const shown = await Promise.race([
        card
          .locator(`[role="progressbar"][aria-label="${t('jobs:progress.label', { title: jobTitle })}"][aria-valuenow]`)
          .waitFor({ timeout: JOB_TIMEOUT_MS })
          .then(() => 'running' as const, () => null),
        badge
          .filter({ hasText: new RegExp(`^(${finalStates.map(escapeRegExp).join('|')})$`) })
          .waitFor({ timeout: JOB_TIMEOUT_MS })
          .then(() => 'ended' as const, () => null),
      ]);
      expect(shown, 'neither the running backup nor its end showed').not.toBeNull();
      if (shown === 'running') {
        await card.getByRole('table', { name: t('jobs:items.caption', { title: jobTitle }) }).waitFor();
        // The picture is of the card under "Running now" (focus went to the details below it), once its bar moved
        // if that happens in a few seconds.
        await page
          .waitForFunction((label) => Number(document.querySelector(`[role="progressbar"][aria-label="${label}"]`)?.getAttribute('aria-valuenow')) > 0, t('jobs:progress.label', { title: jobTitle }), { timeout: 5_000, polling: 100 })
          .catch(() => undefined);
        await page.locator('.active-jobs').evaluate((element) => element.scrollIntoView({ block: 'start' }));
        await shoot('job-progress', true);
        await scan('jobs, a backup running');
      } else {
        console.warn(`first-run.test (${language}): the backup ended before its progress could be photographed`);
      }
      await expect
        .poll(async () => ((await badge.count()) > 0 ? ((await badge.textContent()) ?? '').trim() : ''), { timeout: JOB_TIMEOUT_MS, interval: 250 })
        .toSatisfy((state: string) => finalStates.includes(state));
      const ended = ((await badge.textContent()) ?? '').trim();
      if (ended !== t('jobs:states.succeeded')) {
        const log = await panel.getByRole('region', { name: t('jobs:detail.logLabel', { title: jobTitle }) }).textContent().catch(() => '(no log shown)');
        throw new Error(`the backup ended "${ended}", not "${t('jobs:states.succeeded')}"; its log: ${log}`);
      }
      const items = panel.getByRole('table', { name: t('jobs:items.caption', { title: jobTitle }) });
      for (const vm of lab.vms) {
        expect((await items.getByRole('row').filter({ hasText: vm.name }).textContent()) ?? '', vm.name).toContain(t('jobs:items.states.succeeded'));
      }
      const backupAt = Date.now();
      await shoot('job-finished', shown !== 'running');
      await scan('jobs, the backup ended');

      // ---- Dashboard after the backup: every VM up to date ----
      await nav().getByRole('link', { name: t('common:views.dashboard'), exact: true }).click();
      await page.getByRole('heading', { level: 1, name: t('common:views.dashboard') }).waitFor();
      for (const vm of lab.vms) {
        const row = vmTable.getByRole('row').filter({ hasText: vm.name });
        await expect.poll(async () => (await row.textContent()) ?? '', { timeout: 30_000 }).toContain(t('dashboard:vms.current'));
      }
      await clusterCard.getByText(t('dashboard:cluster.allCurrent')).waitFor();
      await shoot('dashboard', true);
      await scan('dashboard, after the backup');

      // ---- Restore points → the wizard: a running one-disk VM to another host, as a copy ----
      const vm = lab.vms.find((candidate) => candidate.planned === 'running' && candidate.disks.length === 1)!;
      const from = placement(lab, vm.name);
      const target = lab.hosts.map((host) => host.name).find((name) => name !== from)!;
      const name = `${PREFIX}first-run-${language}`;
      console.info(`first-run.test (${language}): ${vm.name} runs on ${from}; restoring it to ${target} as ${name}`);
      await nav().getByRole('link', { name: t('common:views.restore-points'), exact: true }).click();
      await page.getByRole('heading', { level: 1, name: t('common:views.restore-points') }).waitFor();
      const points = page.getByRole('table', { name: t('points:caption', { vm: vm.name }), exact: true });
      await points.waitFor();
      expect(await points.getByRole('row').count()).toBe(2);
      await shoot('restore-points');
      const restoreLink = points.locator('a[href^="#/restore/"]');
      const pointId = ((await restoreLink.getAttribute('href')) ?? '').replace('#/restore/', '');
      await restoreLink.click();

      const next = page.getByRole('button', { name: t('restore:next'), exact: true });
      const wizardHeading = (step: string, number: number): Locator =>
        page.locator('[data-wizard-heading]').filter({ hasText: t('restore:stepHeading', { number, name: t(`restore:steps.${step}`) }) });
      await page.getByRole('heading', { level: 1, name: t('restore:title') }).waitFor();
      await wizardHeading('point', 1).waitFor();
      expect(await page.locator(`input[type="radio"][value="${pointId}"]`).isChecked()).toBe(true);
      await page.getByText(pattern(language, 'restore:point.chosen', { vm: vm.name })).waitFor();
      await next.click();

      await wizardHeading('host', 2).waitFor();
      const hosts = page.getByRole('group', { name: t('restore:host.legend'), exact: true });
      await hosts.waitFor({ timeout: 60_000 });
      const targetRadio = hosts.getByRole('radio', { name: new RegExp(`^${escapeRegExp(target)}\\b`) });
      await expect.poll(() => targetRadio.isDisabled(), { timeout: 60_000 }).toBe(false);
      await targetRadio.check();
      await next.click();

      await wizardHeading('options', 3).waitFor();
      const nameField = page.getByLabel(t('restore:options.nameLabel'), { exact: true });
      await nameField.fill(name);
      await page.getByText(t('restore:options.copyOnly', { host: target })).waitFor();
      await page.getByLabel(t('restore:options.startLabel'), { exact: true }).check();
      await shoot('restore-options');
      await next.click();

      await wizardHeading('review', 4).waitFor();
      await page.getByRole('definition').filter({ hasText: t('restore:review.asCopy', { name }) }).waitFor({ timeout: 60_000 });
      const review = page.locator('section[data-step="review"]');
      expect((await review.textContent()) ?? '').toContain(target);
      expect((await review.textContent()) ?? '').toContain(`${name}-vda.qcow2`);
      await shoot('restore-review', true);
      await scan('restore wizard, review');
      await page.getByRole('button', { name: t('restore:startRestore'), exact: true }).click();

      const doneHeading = page.locator('[data-wizard-heading]').filter({ hasText: t('restore:result.doneHeading', { vm: name, host: target }) });
      const failedHeading = page
        .locator('[data-wizard-heading]')
        .filter({ hasText: new RegExp(`^(${escapeRegExp(t('restore:result.failedHeading'))}|${escapeRegExp(t('restore:result.cancelledHeading'))})$`) });
      const restoreShown = await Promise.race([
        page.locator('section[data-step="progress"] [role="progressbar"][aria-valuenow]').first().waitFor({ timeout: JOB_TIMEOUT_MS }).then(() => 'progress' as const),
        doneHeading.waitFor({ timeout: JOB_TIMEOUT_MS }).then(() => 'done' as const),
        failedHeading.waitFor({ timeout: JOB_TIMEOUT_MS }).then(() => 'failed' as const),
      ]);
      if (restoreShown === 'progress') {
        await shoot('restore-progress');
        await scan('restore wizard, progress');
      }
      await Promise.race([doneHeading.waitFor({ timeout: JOB_TIMEOUT_MS }), failedHeading.waitFor({ timeout: JOB_TIMEOUT_MS })]);
      if ((await failedHeading.count()) > 0) {
        throw new Error(`the restore did not succeed: ${await page.locator('section[data-step="result"]').textContent()}`);
      }
      const result = page.locator('section[data-step="result"]');
      await result.getByText(t('restore:result.running', { vm: name, host: target })).waitFor();
      await shoot('restore-done');
      await scan('restore wizard, result');
      const restoreAt = Date.now();

      // ---- virsh: the copy runs on the chosen host, nowhere else; the original still runs on its own ----
      expect(virsh(lab, target, 'domstate', name).trim()).toBe('running');
      for (const other of lab.hosts.filter((host) => host.name !== target)) {
        expect(virsh(lab, other.name, 'list', '--all', '--name').split('\n'), other.name).not.toContain(name);
      }
      expect(virsh(lab, from, 'domstate', vm.name).trim()).toBe('running');

      // ---- Secrets: the key passphrase and the serve secrets passphrase ----
      const carriers = frames.sent.filter((frame) => frame.includes(Buffer.from(keyPassphrase)));
      const carriedBy = carriers.map(whatFrameDoes);
      console.info(`first-run.test (${language}): the key passphrase went to the engine in ${carriers.length} sent frame(s): ${carriedBy.join(', ')}`);
      // The recording sees the secret where it must be (typed into the dialog, carried to the engine)...
      expect(carriedBy).toContain('call clusters.add');
      // ... and only in the calls that carry it there.
      expect(new Set(carriedBy)).toEqual(new Set(['call clusters.testHost', 'call clusters.add']));
      // The received frames were recorded to the end: the restore's events name the restored VM.
      expect(frames.received.some((frame) => frame.includes(Buffer.from(name)))).toBe(true);
      for (const secret of [keyPassphrase, TEST_SECRETS_PASSPHRASE]) {
        const needle = Buffer.from(secret);
        const echoed = frames.received.filter((frame) => frame.includes(needle)).map((frame) => frame.toString('utf8').slice(0, 300));
        expect(echoed, `received frames holding ${secret === keyPassphrase ? 'the key passphrase' : 'the secrets passphrase'}`).toEqual([]);
      }
      expect(frames.sent.filter((frame) => frame.includes(Buffer.from(TEST_SECRETS_PASSPHRASE))).map(whatFrameDoes)).toEqual([]);
      const dataFiles = filesUnder(dataDir);
      const fileNames = dataFiles.map((path) => relative(dataDir, path));
      console.info(`first-run.test (${language}): data folder files: ${fileNames.join(', ')}`);
      // The files the acceptance names are among those searched: the catalog (and its WAL while serve runs), logs.
      expect(fileNames.some((path) => /\.(sqlite|db)$/.test(path))).toBe(true);
      expect(fileNames.some((path) => /\.(sqlite|db)-wal$/.test(path))).toBe(true);
      expect(fileNames.some((path) => path.startsWith(`logs${sep}`))).toBe(true);
      const searched = [...dataFiles, ...filesUnder(home)];
      // The search finds what is there: the restore job's title, with the restored VM's name, is in the catalog.
      expect(filesHolding(dataFiles, name).length).toBeGreaterThan(0);
      for (const secret of [keyPassphrase, TEST_SECRETS_PASSPHRASE]) expect(filesHolding(searched, secret)).toEqual([]);
      expect(pageErrors).toEqual([]);
      expect(problems).toEqual([]);

      // Once serve has stopped (the WAL folded into the catalog, the logs flushed), still nowhere.
      await context.close();
      expect(await serve.stop()).toBe(0);
      for (const secret of [keyPassphrase, TEST_SECRETS_PASSPHRASE]) {
        expect(filesHolding([...filesUnder(dataDir), ...filesUnder(home)], secret)).toEqual([]);
        expect(serve.stderr().includes(secret)).toBe(false);
      }
      // serve did log the run (so its stderr was worth searching).
      expect(serve.stderr()).toContain('job ended');

      cleanRestoreTests(lab);
      const seconds = (from: number, to: number): string => `${((to - from) / 1000).toFixed(1)} s`;
      timings.push(
        `${language}: onboarding ${seconds(began, onboardingAt)}, backup ${seconds(onboardingAt, backupAt)}, restore ${seconds(backupAt, restoreAt)}, in all ${seconds(began, Date.now())}`,
      );
    }, 2 * JOB_TIMEOUT_MS + 180_000);
  }
});
