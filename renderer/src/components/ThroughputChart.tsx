// A small area chart of the last two minutes of throughput (one sample a second, newest at the right). The
// drawing is decorative; its caption says the same in words (now, peak, average), for everyone.
import { useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../i18n/format.js';
import { chartAreaPath, chartStats } from './progress-math.js';

const WIDTH = 240;
const HEIGHT = 48;
/** The contract's most samples: 120 seconds. */
const CAPACITY = 120;

export function ThroughputChart(props: { samples: readonly number[] }): ReactNode {
  const { t } = useTranslation(['jobs']);
  const f = useFormat();
  const captionId = useId();
  const stats = chartStats(props.samples);
  const area = chartAreaPath(props.samples, WIDTH, HEIGHT, CAPACITY);
  return (
    <figure className="throughput-chart" aria-labelledby={captionId}>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} preserveAspectRatio="none" aria-hidden="true" focusable="false">
        <line className="throughput-baseline" x1="0" y1={HEIGHT} x2={WIDTH} y2={HEIGHT} />
        {area === null ? null : <path className="throughput-area" d={area} />}
      </svg>
      <figcaption id={captionId} className="throughput-caption">
        {stats === null
          ? t('jobs:progress.chartEmpty')
          : t('jobs:progress.chartSummary', {
              duration: f.duration(stats.seconds),
              now: f.rate(stats.now),
              peak: f.rate(stats.peak),
              average: f.rate(stats.average),
            })}
      </figcaption>
    </figure>
  );
}
