// A modal built on the native <dialog> opened with showModal(): the browser makes the rest of the page inert
// (focus stays inside), puts it in the top layer, and turns Escape into a `cancel` event. What it opens for is a
// store's state, so the dialog follows `open` and reports Escape to the store instead of closing on its own.
// Focus goes back to whatever opened it; if that is gone (the empty state's button, replaced by the new
// cluster), to the view's heading.
import { useEffect, useRef, type ReactNode, type SyntheticEvent } from 'react';

function focusTarget(opener: Element | null): HTMLElement | null {
  if (opener instanceof HTMLElement && opener.isConnected && !opener.closest('[inert]')) return opener;
  return document.querySelector<HTMLElement>('.view-heading');
}

export function Modal(props: {
  open: boolean;
  /** Escape, or the browser closing the dialog by itself. */
  onDismiss: () => void;
  labelledBy: string;
  describedBy?: string;
  className?: string;
  children: ReactNode;
}): ReactNode {
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<Element | null>(null);
  const { open, onDismiss } = props;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      opener.current = document.activeElement;
      dialog.showModal();
    } else if (!open && dialog.open) {
      dialog.close();
    }
  }, [open]);

  // Unmounting an open dialog (leaving the view) must still give focus back.
  useEffect(() => {
    const dialog = ref.current;
    return () => {
      if (dialog?.open) dialog.close();
    };
  }, []);

  const onCancel = (event: SyntheticEvent<HTMLDialogElement>): void => {
    // The store decides: it closes the dialog by setting `open` to false.
    event.preventDefault();
    onDismiss();
  };

  const onClose = (): void => {
    const target = focusTarget(opener.current);
    opener.current = null;
    target?.focus();
    // Chromium closes a dialog despite preventDefault on a second Escape without user activation in between.
    if (open) onDismiss();
  };

  return (
    <dialog
      ref={ref}
      className={props.className ? `modal ${props.className}` : 'modal'}
      aria-labelledby={props.labelledBy}
      aria-describedby={props.describedBy}
      onCancel={onCancel}
      onClose={onClose}
    >
      {open ? props.children : null}
    </dialog>
  );
}
