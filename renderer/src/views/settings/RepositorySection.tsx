// The repository: where it is, whether it can be used now (and why not), what it holds and the free space; and
// choosing another folder, opening the repository there or creating a new one in an empty folder.
import { useEffect, useId, type FormEvent, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { RepositoryStatus } from '../../../../shared/model/repository.js';
import { Field } from '../../components/Field.js';
import { ErrorNotice, LoadingNotice } from '../../components/Notices.js';
import { useMessages } from '../../messages.js';
import { useStores } from '../../stores/index.js';

function RepositoryFacts(props: { repository: RepositoryStatus }): ReactNode {
  const m = useMessages();
  const s = m.settings;
  const { repository } = props;
  if (repository.state === 'not_configured') return <p>{s.repositoryNone}</p>;
  return (
    <dl className="facts repository-facts">
      <div>
        <dt>{s.repositoryFolder}</dt>
        <dd>
          <code className="selectable">{repository.path}</code>
        </dd>
      </div>
      <div>
        <dt>{s.repositoryState}</dt>
        <dd>
          <span className={`repository-state repository-state-${repository.state}`}>{s.repositoryStates[repository.state]}</span>
          {repository.error ? (
            <span className="repository-error">
              {s.repositoryProblem}: <span className="selectable">{repository.error.message}</span>
            </span>
          ) : null}
        </dd>
      </div>
      {repository.state === 'ready' ? (
        <>
          <div>
            <dt>{s.repositoryContents}</dt>
            <dd>{s.repositoryHolds(repository.pointCount, repository.vmCount)}</dd>
          </div>
          <div>
            <dt>{s.repositoryFree}</dt>
            <dd>{repository.freeBytes === null ? m.common.unknown : m.formatBytes(repository.freeBytes)}</dd>
          </div>
        </>
      ) : null}
    </dl>
  );
}

function UseFolderForm(): ReactNode {
  const m = useMessages();
  const s = m.settings;
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
    if (await useFolder()) announce(s.repositorySet(store.getState().repository?.path ?? pathInput.trim()));
  };

  return (
    <form className="use-folder" noValidate onSubmit={(event) => void onSubmit(event)}>
      <Field label={s.pathLabel} hint={s.pathHint} error={pathProblem ? s.pathProblems[pathProblem] : null}>
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
          <span>{s.createNewLabel}</span>
        </label>
        <p className="field-hint" id={createHintId}>
          {s.createNewHint}
        </p>
      </div>
      {useError ? (
        <>
          <ErrorNotice title={s.useFailed} error={useError} />
          <p className="muted">{s.useHint}</p>
        </>
      ) : null}
      <button type="submit" className="button button-primary" aria-disabled={using}>
        {using ? (createNew ? s.creating : s.using) : createNew ? s.createRepository : s.useFolder}
      </button>
    </form>
  );
}

export function RepositorySection(): ReactNode {
  const m = useMessages();
  const s = m.settings;
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
  else if (status === 'error' && error) facts = <ErrorNotice title={s.repositoryLoadFailed} error={error} onRetry={() => void load()} />;
  else facts = <LoadingNotice>{s.repositoryLoading}</LoadingNotice>;

  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{s.repositoryHeading}</h2>
      {facts}
      <UseFolderForm />
    </section>
  );
}
