// The repository jobs a user starts by hand: verify (re-read and check every chunk) and prune (apply the
// retention policies now and free what no point uses). Each opens its job in the Jobs view once started.
import { useId, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { ButtonWithReason } from '../../components/ButtonWithReason.js';
import { ErrorNotice } from '../../components/Notices.js';
import { useTranslation } from 'react-i18next';
import { useStores } from '../../stores/index.js';
import { jobRoute } from '../../stores/navigation-store.js';
import type { MaintenanceKind } from '../../stores/repository-store.js';

function MaintenanceAction(props: { kind: MaintenanceKind; label: string; hint: string }): ReactNode {
  const { t } = useTranslation(['settings']);
  const { repository, navigation } = useStores();
  const start = useStore(repository, (state) => state.maintenance[props.kind]);
  const ready = useStore(repository, (state) => state.repository?.state === 'ready');
  const startMaintenance = useStore(repository, (state) => state.startMaintenance);
  const navigate = useStore(navigation, (state) => state.navigate);
  const hintId = useId();

  const onClick = async (): Promise<void> => {
    const outcome = await startMaintenance(props.kind);
    if (outcome.ok) navigate(jobRoute(outcome.jobId));
  };

  return (
    <div className="maintenance-action">
      <ButtonWithReason
        className="button"
        disabledReason={start.starting ? t('settings:startingReason') : ready ? null : t('settings:needsRepository')}
        hintId={hintId}
        onClick={() => void onClick()}
      >
        {start.starting ? t('settings:starting') : props.label}
      </ButtonWithReason>
      <p className="field-hint" id={hintId}>
        {props.hint}
      </p>
      {start.error ? <ErrorNotice title={t(`settings:maintenanceFailed.${props.kind}`)} error={start.error} /> : null}
    </div>
  );
}

export function MaintenanceSection(): ReactNode {
  const { t } = useTranslation(['settings']);
  const headingId = useId();
  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('settings:maintenanceHeading')}</h2>
      <MaintenanceAction kind="verify" label={t('settings:verify')} hint={t('settings:verifyHint')} />
      <MaintenanceAction kind="prune" label={t('settings:prune')} hint={t('settings:pruneHint')} />
    </section>
  );
}
