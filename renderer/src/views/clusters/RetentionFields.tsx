// The retention part of a cluster's backup settings: how many newest points, days, weeks and months to keep, and
// "Preview", which lists what the policy in the form would delete of the cluster's points now in the repository.
import { useId, type ReactNode, type RefObject } from 'react';
import { useStore } from 'zustand';
import { RETENTION_COUNT_MAX } from '../../../../shared/model/retention.js';
import { Field } from '../../components/Field.js';
import { WarningIcon } from '../../components/Icons.js';
import { ErrorNotice, LoadingNotice } from '../../components/Notices.js';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../i18n/format.js';
import { deletions, policyFromForm, RETENTION_FIELDS, samePolicy, type RetentionPreview } from '../../stores/cluster-settings-store.js';
import { useStores } from '../../stores/index.js';

function PreviewTable(props: { preview: RetentionPreview }): ReactNode {
  const { t } = useTranslation(['points', 'clusterSettings', 'common']);
  const f = useFormat();
  const deleted = deletions(props.preview);
  return (
    <div className="table-scroll preview-table" tabIndex={0} role="group" aria-label={t('clusterSettings:previewCaption')}>
      <table className="data-table compact">
        <caption className="visually-hidden">{t('clusterSettings:previewCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('clusterSettings:previewColumns.vm')}</th>
            <th scope="col">{t('clusterSettings:previewColumns.taken')}</th>
            <th scope="col">{t('clusterSettings:previewColumns.type')}</th>
            <th scope="col" className="numeric">
              {t('clusterSettings:previewColumns.added')}
            </th>
          </tr>
        </thead>
        <tbody>
          {deleted.map((decision) => {
            const point = props.preview.points[decision.pointId];
            return (
              <tr key={decision.pointId}>
                <th scope="row">{point ? point.vmName : t('clusterSettings:unknownVm', { uuid: decision.vmUuid })}</th>
                <td className="nowrap">{f.dateTime(decision.createdAt)}</td>
                <td>{point ? t(`points:types.${point.type}`) : t('common:unknown')}</td>
                <td className="numeric">{point ? f.bytes(point.bytesAdded) : t('common:unknown')}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** What the preview found, in a box that takes focus when Save stops to show it. */
export function RetentionPreviewResult(props: { focusRef: RefObject<HTMLDivElement | null> }): ReactNode {
  const { t } = useTranslation(['points', 'clusterSettings', 'common']);
  const { clusterSettings } = useStores();
  const preview = useStore(clusterSettings, (state) => state.preview);
  const form = useStore(clusterSettings, (state) => state.retentionForm);
  if (preview === null) return null;
  const inForm = policyFromForm(form);
  const outdated = !inForm.ok || !samePolicy(inForm.policy, preview.policy);
  const deleted = deletions(preview);
  let content: ReactNode;
  if (preview.status === 'loading') {
    content = <LoadingNotice>{t('clusterSettings:previewing')}</LoadingNotice>;
  } else if (preview.status === 'error' && preview.error) {
    content = (
      <>
        <ErrorNotice title={t('clusterSettings:previewFailed')} error={preview.error} />
        {outdated ? null : <p className="muted">{t('clusterSettings:previewFailedSaveHint')}</p>}
      </>
    );
  } else if (deleted.length === 0) {
    content = (
      <p>
        {preview.decisions.length === 0
          ? t('clusterSettings:previewNoPoints')
          : t('clusterSettings:previewKeepsAll', { count: preview.decisions.length })}
      </p>
    );
  } else {
    content = (
      <>
        <p className="preview-deletes">{t('clusterSettings:previewDeletes', { deleted: deleted.length, count: preview.decisions.length })}</p>
        <PreviewTable preview={preview} />
        {outdated ? null : <p className="muted">{t('clusterSettings:previewReviewHint')}</p>}
      </>
    );
  }
  return (
    <div className="retention-preview" ref={props.focusRef} tabIndex={-1} aria-busy={preview.status === 'loading'}>
      {outdated && preview.status !== 'loading' ? (
        <p className="field-warning">
          <WarningIcon />
          <span>{t('clusterSettings:previewOutdated')}</span>
        </p>
      ) : null}
      {content}
    </div>
  );
}

export function RetentionFields(props: { preview: ReactNode }): ReactNode {
  const { t } = useTranslation(['points', 'clusterSettings', 'common']);
  const { clusterSettings } = useStores();
  const form = useStore(clusterSettings, (state) => state.retentionForm);
  const problems = useStore(clusterSettings, (state) => state.retentionProblems);
  const overrides = useStore(clusterSettings, (state) => state.vmOverrideCount);
  const previewing = useStore(clusterSettings, (state) => state.preview?.status === 'loading');
  const saving = useStore(clusterSettings, (state) => state.saving);
  const setRetentionField = useStore(clusterSettings, (state) => state.setRetentionField);
  const previewRetention = useStore(clusterSettings, (state) => state.previewRetention);
  const headingId = useId();
  const introId = useId();
  return (
    <section className="settings-part" aria-labelledby={headingId} aria-describedby={introId}>
      <h3 id={headingId}>{t('clusterSettings:retentionHeading')}</h3>
      <p className="muted" id={introId}>
        {t('clusterSettings:retentionIntro')}
      </p>
      <div className="field-grid retention-grid">
        {RETENTION_FIELDS.map((field) => {
          const problem = problems?.fields[field];
          return (
            <Field key={field} label={t(`clusterSettings:retentionLabels.${field}`)} hint={t(`clusterSettings:retentionHints.${field}`)} error={problem ? t(`clusterSettings:countProblems.${problem}`, { max: RETENTION_COUNT_MAX }) : null}>
              {(control) => (
                <input
                  {...control}
                  className="input input-count"
                  inputMode="numeric"
                  autoComplete="off"
                  value={form[field]}
                  onChange={(event) => setRetentionField(field, event.target.value)}
                />
              )}
            </Field>
          );
        })}
      </div>
      {problems?.keepsNothing ? (
        <p className="field-error">
          <WarningIcon />
          <span>{t('clusterSettings:keepsNothing')}</span>
        </p>
      ) : null}
      {overrides > 0 ? <p className="muted">{t('clusterSettings:vmOverrides', { count: overrides })}</p> : null}
      <button
        type="button"
        className="button"
        aria-label={t('clusterSettings:previewLabel')}
        aria-disabled={previewing || saving}
        onClick={() => {
          if (!previewing && !saving) void previewRetention();
        }}
      >
        {t('clusterSettings:preview')}
      </button>
      {props.preview}
    </section>
  );
}
