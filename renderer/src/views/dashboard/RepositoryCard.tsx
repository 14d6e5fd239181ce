// The repository on the dashboard: where it is, whether it can be used, its size on disk, the data its restore
// points hold, the space saving (their ratio), free space and how many points it has.
import { useId, useMemo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNotice } from '../../components/Notices.js';
import type { RepositoryFigures } from '../../../../shared/model/dashboard.js';
import { LOCALES } from '../../i18n/index.js';
import { useFormat } from '../../i18n/format.js';
import { hashFor } from '../../stores/navigation-store.js';

export function RepositoryCard(props: { figures: RepositoryFigures }): ReactNode {
  const { t } = useTranslation(['dashboard', 'common']);
  const f = useFormat();
  const headingId = useId();
  const ratioFormat = useMemo(() => new Intl.NumberFormat(LOCALES[f.language], { minimumFractionDigits: 1, maximumFractionDigits: 1 }), [f.language]);
  const { status } = props.figures;
  const figures = props.figures;
  const measured = (value: number | null, show: (value: number) => string): string =>
    value !== null ? show(value) : figures.figuresPending ? t('dashboard:repository.measuring') : t('dashboard:repository.notMeasured');

  return (
    <section aria-labelledby={headingId} className="panel dashboard-repository">
      <h2 id={headingId}>{t('dashboard:repository.heading')}</h2>
      {status.state === 'not_configured' ? (
        <>
          <p>{t('dashboard:repository.notConfigured')}</p>
          <a className="button" href={hashFor({ view: 'settings' })}>
            {t('dashboard:repository.setUp')}
          </a>
        </>
      ) : (
        <>
          {status.state === 'unavailable' && status.error ? <ErrorNotice title={t('dashboard:repository.unavailable')} error={status.error} alert={false} /> : null}
          <dl className="dashboard-facts">
            <div className="dashboard-fact-wide">
              <dt>{t('dashboard:repository.folder')}</dt>
              <dd className="selectable dashboard-path">{status.path}</dd>
            </div>
            <div>
              <dt>{t('dashboard:repository.size')}</dt>
              <dd>{measured(figures.storedBytes, f.bytes)}</dd>
            </div>
            <div>
              <dt>{t('dashboard:repository.referenced')}</dt>
              <dd>{measured(figures.logicalBytes, f.bytes)}</dd>
            </div>
            <div>
              <dt>{t('dashboard:repository.dedup')}</dt>
              <dd>
                {figures.storedBytes !== null && figures.dedupRatio === null
                  ? t('dashboard:repository.nothingStored')
                  : measured(figures.dedupRatio, (ratio) => t('dashboard:repository.dedupValue', { ratio: ratioFormat.format(ratio) }))}
              </dd>
            </div>
            <div>
              <dt>{t('dashboard:repository.free')}</dt>
              <dd>
                {status.freeBytes === null
                  ? t('common:unknown')
                  : figures.totalBytes === null
                    ? f.bytes(status.freeBytes)
                    : t('dashboard:repository.freeOfTotal', { free: f.bytes(status.freeBytes), total: f.bytes(figures.totalBytes) })}
              </dd>
            </div>
            <div>
              <dt>{t('dashboard:repository.points')}</dt>
              <dd>{f.number(status.pointCount)}</dd>
            </div>
            <div>
              <dt>{t('dashboard:repository.vms')}</dt>
              <dd>{f.number(status.vmCount)}</dd>
            </div>
          </dl>
          <p className="muted dashboard-note">{t('dashboard:repository.dedupHint')}</p>
          {figures.figuresAt !== null ? <p className="muted dashboard-note">{t('dashboard:repository.measuredAt', { when: f.dateTime(figures.figuresAt) })}</p> : null}
        </>
      )}
    </section>
  );
}
