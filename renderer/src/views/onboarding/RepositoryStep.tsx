// Step 1 of the onboarding: the repository folder. The proposed folder (or the one in use) is filled in; the
// engine's check of what is typed is put in words as soon as typing pauses ("This folder does not exist yet. It will
// be created…", "120 GiB free of 500 GiB."), and the button says what will happen: create, open, or continue.
import { useEffect, useRef, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNotice } from '../../components/Notices.js';
import { useStore } from 'zustand';
import { REPOSITORY_LOW_FREE_BYTES, REPOSITORY_MIN_FREE_BYTES, type RepositoryCheck } from '../../../../shared/model/repository.js';
import { ButtonWithReason } from '../../components/ButtonWithReason.js';
import { Field } from '../../components/Field.js';
import { WarningIcon } from '../../components/Icons.js';
import { useFormat } from '../../i18n/format.js';
import { useStores } from '../../stores/index.js';
import type { FolderCheck, OnboardingPathProblem } from '../../stores/onboarding-store.js';

function KindSentence(props: { result: RepositoryCheck }): ReactNode {
  const { t } = useTranslation(['onboarding']);
  const { result } = props;
  if (result.kind === 'existing_repository') {
    const count = result.pointCount ?? 0;
    return <p>{result.current ? t('onboarding:repository.kinds.current_repository', { count }) : t('onboarding:repository.kinds.existing_repository', { count })}</p>;
  }
  return <p>{t(`onboarding:repository.kinds.${result.kind}`)}</p>;
}

function SpaceSentences(props: { result: RepositoryCheck }): ReactNode {
  const { t } = useTranslation(['onboarding']);
  const f = useFormat();
  const { result } = props;
  const creates = result.kind === 'empty_folder' || result.kind === 'missing_folder';
  if (!creates && result.kind !== 'existing_repository') return null;
  const space =
    result.freeBytes === null
      ? t('onboarding:repository.spaceUnknown')
      : result.totalBytes === null
        ? t('onboarding:repository.free', { free: f.bytes(result.freeBytes) })
        : t('onboarding:repository.freeOfTotal', { free: f.bytes(result.freeBytes), total: f.bytes(result.totalBytes) });
  const warnings: string[] = [];
  if (result.space === 'too_low') warnings.push(t('onboarding:repository.tooLow', { minimum: f.bytes(REPOSITORY_MIN_FREE_BYTES) }));
  else if (result.space === 'low') warnings.push(t('onboarding:repository.low', { recommended: f.bytes(REPOSITORY_LOW_FREE_BYTES) }));
  if (result.kind === 'existing_repository' && result.writable === false) warnings.push(t('onboarding:repository.readOnly'));
  return (
    <>
      <p>{space}</p>
      {warnings.map((warning) => (
        <p key={warning} className="field-warning">
          <WarningIcon />
          <span>{warning}</span>
        </p>
      ))}
    </>
  );
}

/** What the engine's check says, in words; its own detail under a refusal or a warning. */
function CheckResult(props: { check: FolderCheck | null; problem: OnboardingPathProblem | null }): ReactNode {
  const { t } = useTranslation(['onboarding', 'common']);
  const { check } = props;
  if (props.problem !== null || check === null) return null;
  if (check.state === 'failed') return <ErrorNotice title={t('onboarding:repository.checkFailed')} error={check.error} alert={false} />;
  const result = check.result;
  return (
    <>
      {check.state === 'checking' ? (
        <p className="muted">
          <span className="spinner" aria-hidden="true" />
          {t('onboarding:repository.checking')}
        </p>
      ) : null}
      {result && (check.state === 'done' || result.path === check.path) ? (
        <div className={result.action === null ? 'onboarding-check onboarding-check-refused' : 'onboarding-check'}>
          <KindSentence result={result} />
          <SpaceSentences result={result} />
          {result.detail !== null ? (
            <p className="notice-detail">
              <span className="notice-detail-label">{t('common:engineSaid')}: </span>
              <span className="selectable">{result.detail}</span>
            </p>
          ) : null}
        </div>
      ) : null}
    </>
  );
}

export function RepositoryStep(props: { headingId: string; focusHeading: boolean }): ReactNode {
  const { t } = useTranslation(['onboarding', 'common']);
  const { onboarding, status } = useStores();
  const pathInput = useStore(onboarding, (state) => state.pathInput);
  const pathProblem = useStore(onboarding, (state) => state.pathProblem);
  const check = useStore(onboarding, (state) => state.check);
  const using = useStore(onboarding, (state) => state.using);
  const useError = useStore(onboarding, (state) => state.useError);
  const headingRef = useRef<HTMLHeadingElement>(null);

  const result = check?.state === 'done' && check.path === pathInput.trim() ? check.result : null;
  const action = result?.action ?? null;

  const submit = async (): Promise<void> => {
    const created = action === 'create';
    if (await onboarding.getState().useRepository()) {
      const path = onboarding.getState().status?.repositoryPath ?? pathInput.trim();
      status.getState().announce(created ? t('onboarding:repository.created', { path }) : t('onboarding:repository.opened', { path }));
    }
  };
  const onSubmit = (event: FormEvent): void => {
    event.preventDefault();
    void submit();
  };

  // A refused folder keeps the words of what it was about: opening a repository found there, or creating one.
  const aboutRepository = action === 'open' || result?.kind === 'newer_format' || result?.kind === 'unusable_repository';
  const label = using
    ? action === 'create'
      ? t('onboarding:repository.creating')
      : t('onboarding:repository.opening')
    : !aboutRepository
      ? t('onboarding:repository.create')
      : result?.current
        ? t('onboarding:repository.keep')
        : t('onboarding:repository.open');
  const checking = check?.state === 'checking';
  const reason = using ? null : checking ? t('onboarding:repository.checking') : action === null ? t('onboarding:repository.cannotUse') : null;

  // Coming back from the cluster step, focus lands on this step's heading.
  useEffect(() => {
    if (props.focusHeading) headingRef.current?.focus();
  }, [props.focusHeading]);

  return (
    <section aria-labelledby={props.headingId} className="panel onboarding-step">
      <h2 id={props.headingId} tabIndex={-1} ref={headingRef}>
        {t('onboarding:repository.heading')}
      </h2>
      <p>{t('onboarding:repository.body')}</p>
      <form onSubmit={onSubmit} noValidate>
        <Field
          label={t('onboarding:repository.folderLabel')}
          hint={t('onboarding:repository.folderHint')}
          error={pathProblem === null ? null : t(`onboarding:repository.problems.${pathProblem}`)}
        >
          {(control) => (
            <input
              {...control}
              className="input onboarding-path"
              type="text"
              value={pathInput}
              spellCheck={false}
              autoComplete="off"
              onChange={(event) => onboarding.getState().setPathInput(event.target.value)}
            />
          )}
        </Field>
        <div role="status" aria-label={t('onboarding:repository.resultLabel')} className="onboarding-check-region">
          <CheckResult check={check} problem={pathProblem} />
        </div>
        {useError ? <ErrorNotice title={t('onboarding:repository.useFailed')} error={useError} /> : null}
        <div className="actions">
          <ButtonWithReason className="button button-primary" disabledReason={reason} onClick={() => void submit()}>
            {label}
          </ButtonWithReason>
          <button type="button" className="button" onClick={() => void onboarding.getState().checkNow()}>
            {t('onboarding:repository.checkAgain')}
          </button>
        </div>
      </form>
    </section>
  );
}
