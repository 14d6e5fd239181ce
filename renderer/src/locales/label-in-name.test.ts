// "Label in name" (WCAG 2.5.3) for the controls whose aria-label says more than their visible text ("Back up
// cluster" read as "Back up cluster lab"): in every language the label holds the visible words, in the same order and
// together, so a speech-input user saying what they see reaches the control. The words are compared the way
// axe-core's label-content-name-mismatch rule does: NFKD, text in parentheses dropped, anything that is no letter or
// digit a space, then cut into words by Intl.Segmenter (Japanese has no spaces between words).
import { describe, expect, it } from 'vitest';
import { en, ja } from './index.js';

type Tree = { readonly [key: string]: string | Tree };

/** Controls whose aria-label (second key) stands in for their visible text (first key), with values to fill in. */
const CONTROLS: { visible: string; label: string; values: Record<string, string> }[] = [
  { visible: 'clusters.backup.backUpCluster', label: 'clusters.backup.backUpClusterLabel', values: { cluster: 'lab' } },
  { visible: 'clusters.backup.viewJob', label: 'clusters.backup.viewJobLabel', values: { cluster: 'lab' } },
  { visible: 'clusters.backupSettings', label: 'clusters.backupSettingsLabel', values: { cluster: 'lab' } },
  { visible: 'clusters.hosts.copyError', label: 'clusters.hosts.copyErrorLabel', values: { host: 'lab1' } },
  { visible: 'dashboard.vms.viewJob', label: 'dashboard.vms.viewJobLabel', values: { vm: 'lab-vm1' } },
  { visible: 'common.errorDetails.copy', label: 'common.errorDetails.copyLabel', values: { title: 'The backup failed' } },
  { visible: 'jobs.details', label: 'jobs.detailsLabel', values: { title: 'Cluster lab', when: '2026/11/26 1:00' } },
  { visible: 'jobs.cancel.button', label: 'jobs.cancel.buttonLabel', values: { title: 'Cluster lab' } },
  { visible: 'restore.restorePoint', label: 'restore.restorePointLabel', values: { vm: 'lab-vm1', when: '2026/11/26 1:00' } },
];

function lookup(resources: typeof en | typeof ja, key: string): string {
  let node: string | Tree = resources as unknown as Tree;
  for (const part of key.split('.')) {
    if (typeof node === 'string' || !(part in node)) throw new Error(`no ${key}`);
    node = node[part]!;
  }
  if (typeof node !== 'string') throw new Error(`${key} is not a string`);
  return node;
}

const fill = (text: string, values: Record<string, string>): string => text.replace(/\{\{\s*(\w+)[^}]*\}\}/g, (_, name: string) => values[name] ?? '');

const segmenter = new Intl.Segmenter(undefined, { granularity: 'word' });

function words(text: string): string[] {
  let normalized = text.toLowerCase().normalize('NFKD');
  let previous: string;
  do {
    previous = normalized;
    normalized = normalized.replace(/\([^()]*\)/g, '');
  } while (normalized !== previous);
  normalized = normalized.replace(/[^\p{L}\p{N}]/gu, ' ');
  return [...segmenter.segment(normalized)].map((segment) => segment.segment.trim()).filter((word) => word !== '');
}

function containsInOrder(name: string[], visible: string[]): boolean {
  for (let start = 0; start + visible.length <= name.length; start++) {
    if (visible.every((word, index) => name[start + index] === word)) return true;
  }
  return false;
}

describe('aria-labels hold the visible text of their controls', () => {
  for (const [language, resources] of [['en', en], ['ja', ja]] as const) {
    for (const control of CONTROLS) {
      it(`${control.label} in ${language}`, () => {
        const visible = lookup(resources, control.visible);
        const label = fill(lookup(resources, control.label), control.values);
        expect(words(visible).length).toBeGreaterThan(0);
        expect(containsInOrder(words(label), words(visible)), `"${label}" does not say "${visible}"`).toBe(true);
      });
    }
  }

  it('tells a label that moves the visible words apart from one that keeps them together', () => {
    expect(containsInOrder(words('クラスター lab をバックアップ'), words('クラスターをバックアップ'))).toBe(false);
    expect(containsInOrder(words('クラスターをバックアップ: lab'), words('クラスターをバックアップ'))).toBe(true);
    expect(containsInOrder(words('Back up cluster lab'), words('Back up cluster'))).toBe(true);
  });
});
