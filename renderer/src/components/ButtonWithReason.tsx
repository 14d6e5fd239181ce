// A button that can be disabled with a reason shown next to it. It stays focusable (aria-disabled, not disabled),
// so keyboard focus is not thrown out of it when it becomes busy, and the reason is read with it.
import { useId, type ReactNode } from 'react';

/** A button that is disabled with a reason shown next to it (it keeps focus, so the reason can be read). */
export function ButtonWithReason(props: {
  className: string;
  label?: string;
  disabledReason: string | null;
  /** A hint elsewhere on the page that describes the button too. */
  hintId?: string;
  onClick: () => void;
  children: ReactNode;
}): ReactNode {
  const reasonId = useId();
  const disabled = props.disabledReason !== null;
  return (
    <span className="button-with-reason">
      <button
        type="button"
        className={props.className}
        aria-label={props.label}
        aria-disabled={disabled}
        aria-describedby={[disabled ? reasonId : null, props.hintId ?? null].filter((id) => id !== null).join(' ') || undefined}
        onClick={() => {
          if (!disabled) props.onClick();
        }}
      >
        {props.children}
      </button>
      {disabled ? (
        <span className="button-reason muted" id={reasonId}>
          {props.disabledReason}
        </span>
      ) : null}
    </span>
  );
}
