// The repository jobs a user starts by hand: verify (re-read and check every chunk) and prune (apply the
// retention policies now and free what no point uses). Each opens its job in the Jobs view once started.
import { useId, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { ButtonWithReason } from '../../components/ButtonWithReason.js';
import { ErrorNotice } from '../../components/Notices.js';
import { useMessages } from '../../messages.js';
import { useStores } from '../../stores/index.js';
import { jobRoute } from '../../stores/navigation-store.js';
import type { MaintenanceKind } from '../../stores/repository-store.js';

function MaintenanceAction(props: { kind: MaintenanceKind; label: string; hint: string }): ReactNode {
  const m = useMessages();
  const s = m.settings;
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
        disabledReason={start.starting ? s.startingReason : ready ? null : s.needsRepository}
        hintId={hintId}
        onClick={() => void onClick()}
      >
        {start.starting ? s.starting : props.label}
      </ButtonWithReason>
      <p className="field-hint" id={hintId}>
        {props.hint}
      </p>
      {start.error ? <ErrorNotice title={s.maintenanceFailed[props.kind]} error={start.error} /> : null}
    </div>
  );
}

export function MaintenanceSection(): ReactNode {
  const m = useMessages();
  const s = m.settings;
  const headingId = useId();
  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{s.maintenanceHeading}</h2>
      <MaintenanceAction kind="verify" label={s.verify} hint={s.verifyHint} />
      <MaintenanceAction kind="prune" label={s.prune} hint={s.pruneHint} />
    </section>
  );
}
