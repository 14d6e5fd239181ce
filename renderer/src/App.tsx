// The app frame: skip link, header, the main navigation, the current view in `<main>`, and the status bar. When
// the connection to the engine is lost the whole frame gives way to the connection screen, since nothing in it
// can work without the engine.
import { useEffect, useRef, useState, type MouseEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { ConnectionErrorScreen } from './components/ConnectionErrorScreen.js';
import { ClustersIcon, JobsIcon, LifebuoyIcon, RestorePointsIcon, SettingsIcon } from './components/Icons.js';
import { StatusRegion } from './components/StatusRegion.js';
import { FocusHeadingOnMount } from './components/ViewHeading.js';
import { useLanguageSetting } from './i18n/document-language.js';
import { useStores } from './stores/index.js';
import { hashFor, VIEWS, type Route, type ViewName } from './stores/navigation-store.js';
import { useDocumentTheme } from './theme.js';
import { ClustersView } from './views/ClustersView.js';
import { DashboardIcon } from './views/dashboard/DashboardIcon.js';
import { DashboardView } from './views/DashboardView.js';
import { OnboardingGate } from './views/OnboardingView.js';
import { JobsView } from './views/JobsView.js';
import { RestorePointsView } from './views/RestorePointsView.js';
import { RestoreWizardView } from './views/RestoreWizardView.js';
import { SettingsView } from './views/SettingsView.js';

const MAIN_ID = 'main-content';

const NAV_ICONS: Record<ViewName, () => ReactNode> = {
  dashboard: DashboardIcon,
  clusters: ClustersIcon,
  jobs: JobsIcon,
  'restore-points': RestorePointsIcon,
  settings: SettingsIcon,
};

function CurrentView(props: { route: Route }): ReactNode {
  switch (props.route.view) {
    case 'dashboard':
      return <DashboardView />;
    case 'clusters':
      return <ClustersView />;
    case 'jobs':
      return <JobsView />;
    case 'restore-points':
      return <RestorePointsView />;
    case 'restore':
      return <RestoreWizardView pointId={props.route.pointId} />;
    case 'settings':
      return <SettingsView />;
  }
}

function MainNavigation(props: { route: Route }): ReactNode {
  const { t } = useTranslation(['common', 'restore']);
  return (
    <nav className="app-nav" aria-label={t('common:navigationLabel')}>
      <ul>
        {VIEWS.map((view) => {
          const Icon = NAV_ICONS[view];
          // The restore wizard belongs to the Restore points view.
          const current = props.route.view === view || (props.route.view === 'restore' && view === 'restore-points');
          return (
            <li key={view}>
              <a className="nav-link" href={hashFor({ view })} aria-current={current ? 'page' : undefined}>
                <Icon />
                <span>{t(`common:views.${view}`)}</span>
              </a>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

function SkipLink(): ReactNode {
  const { t } = useTranslation(['common', 'restore']);
  // The hash belongs to the router, so the link moves focus itself instead of changing the URL to `#main-content`.
  const onClick = (event: MouseEvent<HTMLAnchorElement>): void => {
    event.preventDefault();
    document.getElementById(MAIN_ID)?.focus();
  };
  return (
    <a className="skip-link" href={`#${MAIN_ID}`} onClick={onClick}>
      {t('common:skipToMain')}
    </a>
  );
}

function AppFrame(): ReactNode {
  const { t } = useTranslation(['common', 'restore', 'onboarding']);
  const { navigation, onboarding } = useStores();
  const route = useStore(navigation, (state) => state.route);
  // The first run shows no navigation: the onboarding leads to the dashboard itself.
  const onboardingShown = useStore(onboarding, (state) => state.active);
  // Focus goes to a view's heading once the user has moved to another view (not on the first one, and not when
  // only the job named in the Jobs route changes, which keeps the view mounted).
  const firstView = useRef(route.view).current;
  const [movedOn, setMovedOn] = useState(false);
  // Finishing the onboarding moves on too: focus goes to the heading of the view it gives way to.
  const [onboardingSeen, setOnboardingSeen] = useState(false);
  if (onboardingShown && !onboardingSeen) setOnboardingSeen(true);
  if (!movedOn && (route.view !== firstView || (onboardingSeen && !onboardingShown))) setMovedOn(true);

  useEffect(() => {
    const view = onboardingShown ? t('onboarding:title') : route.view === 'restore' ? t('restore:title') : t(`common:views.${route.view}`);
    document.title = t('common:documentTitle', { view });
  }, [t, route.view, onboardingShown]);

  return (
    <div className="app">
      <SkipLink />
      <header className="app-header">
        <LifebuoyIcon className="app-logo" />
        <span className="app-name">{t('common:appName')}</span>
      </header>
      {onboardingShown ? null : <MainNavigation route={route} />}
      <main className="app-main" id={MAIN_ID} tabIndex={-1}>
        <FocusHeadingOnMount.Provider value={movedOn}>
          {/* Keyed by view: opening a job's details (`#/jobs/<id>`) keeps the Jobs view, its scroll and focus. */}
          <OnboardingGate>
            <CurrentView key={route.view} route={route} />
          </OnboardingGate>
        </FocusHeadingOnMount.Provider>
      </main>
      <StatusRegion />
    </div>
  );
}

export function App(): ReactNode {
  const { app } = useStores();
  const connection = useStore(app, (state) => state.connection);
  const transport = useStore(app, (state) => state.transport);
  useDocumentTheme();
  useLanguageSetting();

  if (connection.state === 'lost') {
    return <ConnectionErrorScreen problem={{ kind: 'lost', transport, error: connection.error, at: connection.at }} />;
  }
  return <AppFrame />;
}
