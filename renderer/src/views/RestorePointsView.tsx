import type { ReactNode } from 'react';
import { RestorePointsIcon } from '../components/Icons.js';
import { EmptyState } from '../components/Notices.js';
import { ViewHeading } from '../components/ViewHeading.js';
import { useMessages } from '../messages.js';

// The engine has no repository yet, so there is nothing to ask it: the view says where restore points come from.
export function RestorePointsView(): ReactNode {
  const m = useMessages();
  return (
    <>
      <ViewHeading>{m.views['restore-points']}</ViewHeading>
      <EmptyState title={m.restorePoints.emptyTitle} icon={<RestorePointsIcon />}>
        <p>{m.restorePoints.emptyBody}</p>
      </EmptyState>
    </>
  );
}
