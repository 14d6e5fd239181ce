import { useId, type ChangeEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { LANGUAGES, THEMES, type Settings } from '../../../shared/model/settings.js';
import { ErrorNotice, LoadingNotice } from '../components/Notices.js';
import { ViewHeading } from '../components/ViewHeading.js';
import { browserLanguages, resolveLanguage } from '../i18n/index.js';
import { useStores } from '../stores/index.js';
import { BackupPreferencesSection } from './settings/BackupPreferencesSection.js';
import { MaintenanceSection } from './settings/MaintenanceSection.js';
import { RepositorySection } from './settings/RepositorySection.js';

function isTheme(value: string): value is Settings['theme'] {
  return (THEMES as readonly string[]).includes(value);
}

function isLanguage(value: string): value is Settings['language'] {
  return (LANGUAGES as readonly string[]).includes(value);
}

/** The language each option is written in, so screen readers pronounce it right; `system` is in the shown one. */
const LANGUAGE_TAGS: Record<Settings['language'], string | undefined> = { system: undefined, en: 'en', ja: 'ja' };

function PreferencesSection(): ReactNode {
  const { t, i18n } = useTranslation(['settings', 'common']);
  const { settings: store, status: statusStore } = useStores();
  const settings = useStore(store, (state) => state.settings);
  const status = useStore(store, (state) => state.status);
  const loadError = useStore(store, (state) => state.loadError);
  const saving = useStore(store, (state) => state.saving);
  // A refused change of the backup settings is shown by their own section.
  const saveError = useStore(store, (state) =>
    state.saveErrorKeys.some((key) => key === 'theme' || key === 'language') ? state.saveError : null,
  );
  const watchError = useStore(store, (state) => state.watchError);
  const load = useStore(store, (state) => state.load);
  const update = useStore(store, (state) => state.update);
  const announce = useStore(statusStore, (state) => state.announce);
  const headingId = useId();
  const themeId = useId();
  const themeHintId = useId();
  const languageId = useId();
  const languageHintId = useId();

  const onThemeChange = async (event: ChangeEvent<HTMLSelectElement>): Promise<void> => {
    const theme = event.target.value;
    if (!isTheme(theme)) return;
    if (await update({ theme })) announce(t('settings:themeSaved', { theme: t(`settings:themes.${theme}`) }));
  };
  const onLanguageChange = async (event: ChangeEvent<HTMLSelectElement>): Promise<void> => {
    const language = event.target.value;
    if (!isLanguage(language)) return;
    if (!(await update({ language }))) return;
    // Said in the language the window is switching to, which is the one the user asked for.
    const shown = i18n.getFixedT(resolveLanguage(language, browserLanguages()), ['settings']);
    announce(shown('settings:languageSaved', { language: shown(`settings:languages.${language}`) }));
  };

  let content: ReactNode;
  if (settings === null) {
    content =
      status === 'error' && loadError ? (
        <ErrorNotice title={t('settings:loadFailed')} error={loadError} onRetry={() => void load()} />
      ) : (
        <LoadingNotice>{t('settings:loading')}</LoadingNotice>
      );
  } else {
    content = (
      <>
        <div className="field">
          <label className="field-label" htmlFor={themeId}>
            {t('settings:themeLabel')}
          </label>
          <select
            id={themeId}
            className="select"
            value={settings.theme}
            aria-describedby={themeHintId}
            onChange={(event) => void onThemeChange(event)}
          >
            {THEMES.map((theme) => (
              <option key={theme} value={theme}>
                {t(`settings:themes.${theme}`)}
              </option>
            ))}
          </select>
          <p className="field-hint" id={themeHintId}>
            {t('settings:themeHint')}
          </p>
        </div>
        <div className="field">
          <label className="field-label" htmlFor={languageId}>
            {t('settings:languageLabel')}
          </label>
          <select
            id={languageId}
            className="select"
            value={settings.language}
            aria-describedby={languageHintId}
            onChange={(event) => void onLanguageChange(event)}
          >
            {LANGUAGES.map((language) => (
              <option key={language} value={language} lang={LANGUAGE_TAGS[language]}>
                {t(`settings:languages.${language}`)}
              </option>
            ))}
          </select>
          <p className="field-hint" id={languageHintId}>
            {t('settings:languageHint')}
          </p>
        </div>
        {saving ? <p className="muted">{t('settings:saving')}</p> : null}
        {saveError ? <ErrorNotice title={t('settings:saveFailed')} error={saveError} /> : null}
        {watchError ? <p className="muted">{t('settings:watchFailed')}</p> : null}
      </>
    );
  }

  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('settings:preferencesHeading')}</h2>
      {content}
    </section>
  );
}

function AboutSection(): ReactNode {
  const { t } = useTranslation(['settings', 'common']);
  const { app } = useStores();
  const info = useStore(app, (state) => state.info);
  const infoStatus = useStore(app, (state) => state.infoStatus);
  const infoError = useStore(app, (state) => state.infoError);
  const loadInfo = useStore(app, (state) => state.loadInfo);
  const headingId = useId();

  let content: ReactNode;
  if (info !== null) {
    content = (
      <dl className="facts">
        <div>
          <dt>{t('settings:version')}</dt>
          <dd>{info.version}</dd>
        </div>
        <div>
          <dt>{t('settings:mode')}</dt>
          <dd>{t(`settings:modes.${info.mode}`)}</dd>
        </div>
        <div>
          <dt>{t('settings:dataFolder')}</dt>
          <dd>
            <code className="selectable">{info.dataDir}</code>
          </dd>
        </div>
        <div>
          <dt>{t('settings:catalogSchemaVersion')}</dt>
          <dd>{info.catalogSchemaVersion}</dd>
        </div>
      </dl>
    );
  } else if (infoStatus === 'error' && infoError) {
    content = <ErrorNotice title={t('settings:aboutFailed')} error={infoError} onRetry={() => void loadInfo()} />;
  } else {
    content = <LoadingNotice>{t('settings:aboutLoading')}</LoadingNotice>;
  }

  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('settings:aboutHeading')}</h2>
      {content}
    </section>
  );
}

export function SettingsView(): ReactNode {
  const { t } = useTranslation(['settings', 'common']);
  return (
    <>
      <ViewHeading>{t('common:views.settings')}</ViewHeading>
      <PreferencesSection />
      <BackupPreferencesSection />
      <RepositorySection />
      <MaintenanceSection />
      <AboutSection />
    </>
  );
}
