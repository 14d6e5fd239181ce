// Icons are inline SVG (no icon font, no extra requests) drawn in `currentColor`, so they follow the theme. They
// are decorative: the text next to each one carries the meaning, so every icon is hidden from assistive tech.
import type { ReactNode } from 'react';

function Icon(props: { children: ReactNode; className?: string }): ReactNode {
  return (
    <svg
      className={props.className ?? 'icon'}
      viewBox="0 0 24 24"
      width="20"
      height="20"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.8"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {props.children}
    </svg>
  );
}

export function LifebuoyIcon(props: { className?: string }): ReactNode {
  return (
    <Icon className={props.className ?? 'icon'}>
      <circle cx="12" cy="12" r="9" />
      <circle cx="12" cy="12" r="4" />
      <path d="M5.6 5.6l3.6 3.6M14.8 14.8l3.6 3.6M18.4 5.6l-3.6 3.6M9.2 14.8l-3.6 3.6" />
    </Icon>
  );
}

export function ClustersIcon(): ReactNode {
  return (
    <Icon>
      <rect x="3" y="4" width="18" height="6" rx="1.5" />
      <rect x="3" y="14" width="18" height="6" rx="1.5" />
      <path d="M7 7h.01M7 17h.01" />
    </Icon>
  );
}

export function JobsIcon(): ReactNode {
  return (
    <Icon>
      <path d="M8 6h12M8 12h12M8 18h12" />
      <path d="M4 6h.01M4 12h.01M4 18h.01" />
    </Icon>
  );
}

export function RestorePointsIcon(): ReactNode {
  return (
    <Icon>
      <path d="M3 12a9 9 0 1 0 3-6.7" />
      <path d="M3 4v5h5" />
      <path d="M12 8v4l3 2" />
    </Icon>
  );
}

export function SettingsIcon(): ReactNode {
  return (
    <Icon>
      <path d="M4 7h10M18 7h2M4 17h4M12 17h8" />
      <circle cx="16" cy="7" r="2" />
      <circle cx="10" cy="17" r="2" />
    </Icon>
  );
}

export function PlusIcon(): ReactNode {
  return (
    <Icon>
      <path d="M12 5v14M5 12h14" />
    </Icon>
  );
}

export function RefreshIcon(): ReactNode {
  return (
    <Icon>
      <path d="M20 11a8 8 0 0 0-14.8-4.2L3 9" />
      <path d="M3 4v5h5" />
      <path d="M4 13a8 8 0 0 0 14.8 4.2L21 15" />
      <path d="M21 20v-5h-5" />
    </Icon>
  );
}

export function WarningIcon(): ReactNode {
  return (
    <Icon>
      <path d="M12 3.5 2.5 20h19z" />
      <path d="M12 10v4.5M12 17.5h.01" />
    </Icon>
  );
}

export function KeyIcon(): ReactNode {
  return (
    <Icon>
      <circle cx="8" cy="15" r="4" />
      <path d="M10.8 12.2 20 3M16 7l3 3M14 9l2 2" />
    </Icon>
  );
}

/** State marks: each state has its own shape, so the state reads without colour too (the text is always there). */
export type StateShape = 'ok' | 'pending' | 'running' | 'stopped' | 'paused' | 'problem' | 'other';

export function StateIcon(props: { shape: StateShape }): ReactNode {
  switch (props.shape) {
    case 'running':
      return (
        <Icon className="icon state-icon">
          <circle cx="12" cy="12" r="8" />
          <path d="M10.5 8.8v6.4l5-3.2z" />
        </Icon>
      );
    case 'ok':
      return (
        <Icon className="icon state-icon">
          <circle cx="12" cy="12" r="8" />
          <path d="m8.5 12.2 2.4 2.4 4.6-5" />
        </Icon>
      );
    case 'pending':
      return (
        <Icon className="icon state-icon">
          <circle cx="12" cy="12" r="8" strokeDasharray="3 3" />
        </Icon>
      );
    case 'stopped':
      return (
        <Icon className="icon state-icon">
          <rect x="6.5" y="6.5" width="11" height="11" rx="1.5" />
        </Icon>
      );
    case 'paused':
      return (
        <Icon className="icon state-icon">
          <path d="M9 6v12M15 6v12" />
        </Icon>
      );
    case 'problem':
      return (
        <Icon className="icon state-icon">
          <path d="M12 3.5 2.5 20h19z" />
          <path d="M12 10v4.5M12 17.5h.01" />
        </Icon>
      );
    case 'other':
      return (
        <Icon className="icon state-icon">
          <circle cx="12" cy="12" r="8" />
          <path d="M12 8v.01M12 11v5" />
        </Icon>
      );
  }
}

export function BackupIcon(): ReactNode {
  return (
    <Icon>
      <path d="M12 4v10M8 10l4 4 4-4" />
      <path d="M4 16v2.5A1.5 1.5 0 0 0 5.5 20h13a1.5 1.5 0 0 0 1.5-1.5V16" />
    </Icon>
  );
}

export function ScheduleIcon(): ReactNode {
  return (
    <Icon>
      <circle cx="12" cy="12" r="8.5" />
      <path d="M12 7.5V12l3 2" />
    </Icon>
  );
}
