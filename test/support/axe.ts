// axe-core's scan of the page as it is now, for end-to-end tests: its serious and critical violations, one line
// each (WCAG 2.0/2.1 A and AA and axe's best practices, the rules accessibility.test.ts applies to every screen).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

export async function seriousViolations(page: Page): Promise<string[]> {
  // The app's Content-Security-Policy refuses inline scripts (addScriptTag's); an evaluation from the test is not one.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(readFileSync(AXE_PATH, 'utf8'));
  return await page.evaluate(async (tags) => {
    interface AxeRule {
      id: string;
      impact?: string | null;
      nodes: { target: unknown[] }[];
    }
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: AxeRule[] }> } }).axe;
    const run = await axe.run(document, { runOnly: { type: 'tag', values: tags } });
    return run.violations
      .filter((rule) => rule.impact === 'serious' || rule.impact === 'critical')
      .map((rule) => `[${rule.impact}] ${rule.id} at ${rule.nodes.map((node) => node.target.map(String).join(' ')).join(', ')}`);
  }, AXE_TAGS);
}
