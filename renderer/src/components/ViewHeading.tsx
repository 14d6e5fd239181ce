// The `<h1>` of a view. After the user moves to another view, focus goes to its heading, so keyboard and screen
// reader users land at the start of the new content instead of staying on the navigation link; on the first view
// of a session focus stays where the browser put it.
import { createContext, useContext, useEffect, useRef, type ReactNode } from 'react';

export const FocusHeadingOnMount = createContext(false);

export function ViewHeading(props: { children: ReactNode }): ReactNode {
  const focusOnMount = useContext(FocusHeadingOnMount);
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (focusOnMount) ref.current?.focus();
  }, [focusOnMount]);
  return (
    <h1 className="view-heading" tabIndex={-1} ref={ref}>
      {props.children}
    </h1>
  );
}
