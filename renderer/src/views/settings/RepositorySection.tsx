// The repository: where it is, whether it can be used now (and why not), what it holds and the free space; and
// choosing another folder, opening the repository there or creating a new one in an empty folder.
import { useEffect, useId, type FormEvent, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { RepositoryStatus } from '../../../../shared/model/repository.js';
import { Field } from '../../components/Field.js';
import { ErrorNotice, LoadingNotice } from '../../components/Notices.js';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../i18n/format.js';
import { useStores } from '../../stores/index.js';

function RepositoryFacts(props: { repository: RepositoryStatus }): ReactNode {
  const { t } = useTranslation(['settings', 'common']);
  const f = useFormat();
  const { repository } = props;
  if (repository.state === 'not_configured') return <p>{t('settings:repositoryNone')}</p>;
  return (
    <dl className="facts repository-facts">
      <div>
        <dt>{t('settings:repositoryFolder')}</dt>
        <dd>
          <code className="selectable">{repository.path}</code>
        </dd>
      </div>
      <div>
        <dt>{t('settings:repositoryState')}</dt>
        <dd>
          <span className={`repository-state repository-state-${repository.state}`}>{t(`settings:repositoryStates.${repository.state}`)}</span>
          {repository.error ? (
            <span className="repository-error">
              {t('settings:repositoryProblem')}: <span className="selectable">{repository.error.message}</span>
            </span>
          ) : null}
        </dd>
      </div>
      {repository.state === 'ready' ? (
        <>
          <div>
            <dt>{t('settings:repositoryContents')}</dt>
            <dd>{t('settings:repositoryHolds', {
                points: t('settings:pointCount', { count: repository.pointCount }),
                vms: t('settings:vmCount', { count: repository.vmCount }),
              })}</dd>
          </div>
          <div>
            <dt>{t('settings:repositoryFree')}</dt>
            <dd>{repository.freeBytes === null ? t('common:unknown') : f.bytes(repository.freeBytes)}</dd>
          </div>
        </>
      ) : null}
    </dl>
  );
}

function UseFolderForm(): ReactNode {
  const { t } = useTranslation(['settings', 'common']);
  const { repository: store, status } = useStores();
  const pathInput = useStore(store, (state) => state.pathInput);
  const createNew = useStore(store, (state) => state.createNew);
  const pathProblem = useStore(store, (state) => state.pathProblem);
  const using = useStore(store, (state) => state.using);
  const useError = useStore(store, (state) => state.useError);
  const setPathInput = useStore(store, (state) => state.setPathInput);
  const setCreateNew = useStore(store, (state) => state.setCreateNew);
  const useFolder = useStore(store, (state) => state.use);
  const announce = useStore(status, (state) => state.announce);
  const createId = useId();
  const createHintId = useId();

  const onSubmit = async (event: FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    if (using) return;
    if (await useFolder()) announce(t('settings:repositorySet', { path: store.getState().repository?.path ?? pathInput.trim() }));
  };

  return (
    <form className="use-folder" noValidate onSubmit={(event) => void onSubmit(event)}>
      <Field label={t('settings:pathLabel')} hint={t('settings:pathHint')} error={pathProblem ? t(`settings:pathProblems.${pathProblem}`) : null}>
        {(control) => (
          <input
            {...control}
            className="input"
            autoComplete="off"
            spellCheck={false}
            value={pathInput}
            onChange={(event) => setPathInput(event.target.value)}
          />
        )}
      </Field>
      <div className="field switch-field">
        <label className="choice" htmlFor={createId}>
          <input
            id={createId}
            type="checkbox"
            className="checkbox"
            checked={createNew}
            aria-describedby={createHintId}
            onChange={(event) => setCreateNew(event.target.checked)}
          />
          <span>{t('settings:createNewLabel')}</span>
        </label>
        <p className="field-hint" id={createHintId}>
          {t('settings:createNewHint')}
        </p>
      </div>
      {useError ? (
        <>
          <ErrorNotice title={t('settings:useFailed')} error={useError} />
          <p className="muted">{t('settings:useHint')}</p>
        </>
      ) : null}
      <button type="submit" className="button button-primary" aria-disabled={using}>
        {using ? (createNew ? t('settings:creating') : t('settings:using')) : createNew ? t('settings:createRepository') : t('settings:useFolder')}
      </button>
    </form>
  );
}

export function RepositorySection(): ReactNode {
  const { t } = useTranslation(['settings', 'common']);
  const { repository: store } = useStores();
  const repository = useStore(store, (state) => state.repository);
  const status = useStore(store, (state) => state.status);
  const error = useStore(store, (state) => state.error);
  const load = useStore(store, (state) => state.load);
  const headingId = useId();

  useEffect(() => {
    void load();
  }, [load]);

  let facts: ReactNode;
  if (repository !== null) facts = <RepositoryFacts repository={repository} />;
  else if (status === 'error' && error) facts = <ErrorNotice title={t('settings:repositoryLoadFailed')} error={error} onRetry={() => void load()} />;
  else facts = <LoadingNotice>{t('settings:repositoryLoading')}</LoadingNotice>;

  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('settings:repositoryHeading')}</h2>
      {facts}
      <UseFolderForm />
    </section>
  );
}
