import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { renderWithI18n } from '../testing/render.js';
import { ProgressBar } from './ProgressBar.js';
import { ThroughputChart } from './ThroughputChart.js';

describe('ProgressBar', () => {
  it('is a progressbar with its percentage and the whole story as text', () => {
    const html = renderToStaticMarkup(<ProgressBar label="Progress of Office rack" fraction={0.456} valueText="45%: 1 GiB of 2 GiB" />);
    expect(html).toContain('role="progressbar"');
    expect(html).toContain('aria-label="Progress of Office rack"');
    expect(html).toContain('aria-valuenow="45"');
    expect(html).toContain('aria-valuemin="0"');
    expect(html).toContain('aria-valuemax="100"');
    expect(html).toContain('aria-valuetext="45%: 1 GiB of 2 GiB"');
    expect(html).not.toContain('style=');
  });

  it('has no value while the total is not known', () => {
    const html = renderToStaticMarkup(<ProgressBar label="Progress" fraction={null} valueText="Working out how much to read…" />);
    expect(html).not.toContain('aria-valuenow');
    expect(html).toContain('progress-indeterminate');
  });
});

describe('ThroughputChart', () => {
  it('says in words what the drawing shows', () => {
    const MiB = 1024 ** 2;
    const html = renderWithI18n(<ThroughputChart samples={[80 * MiB, 120 * MiB, 100 * MiB]} />);
    expect(html).toContain('<figcaption');
    expect(html).toContain('Speed over the last 3 s: now 100 MiB/s, peak 120 MiB/s, average 100 MiB/s.');
    expect(html).toMatch(/<svg[^>]*aria-hidden="true"/);
  });

  it('says when nothing was measured yet', () => {
    expect(renderWithI18n(<ThroughputChart samples={[]} />)).toContain('No speed measured yet.');
  });
});
