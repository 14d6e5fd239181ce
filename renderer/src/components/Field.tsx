// A labelled form control with its hint and error, both tied to it through aria-describedby, and marked invalid
// while it has an error. The control itself is the caller's: it gets the id and ARIA attributes to spread.
import { useId, type ReactNode } from 'react';
import { WarningIcon } from './Icons.js';

/** A labelled control with its hint and error, both tied to it through aria-describedby. */
export function Field(props: {
  label: string;
  hint?: string | undefined;
  error?: string | null | undefined;
  className?: string;
  children: (control: { id: string; 'aria-describedby': string | undefined; 'aria-invalid': true | undefined }) => ReactNode;
}): ReactNode {
  const id = useId();
  const hintId = useId();
  const errorId = useId();
  const describedBy = [props.error ? errorId : null, props.hint ? hintId : null].filter((x) => x !== null).join(' ');
  return (
    <div className={props.className ? `field ${props.className}` : 'field'}>
      <label className="field-label" htmlFor={id}>
        {props.label}
      </label>
      {props.children({ id, 'aria-describedby': describedBy || undefined, 'aria-invalid': props.error ? true : undefined })}
      {props.error ? (
        <p className="field-error" id={errorId}>
          <WarningIcon />
          <span>{props.error}</span>
        </p>
      ) : null}
      {props.hint ? (
        <p className="field-hint" id={hintId}>
          {props.hint}
        </p>
      ) : null}
    </div>
  );
}

