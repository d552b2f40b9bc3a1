import { type ReactNode, useEffect, useRef } from "react";

/**
 * The page's one h1. On every page change it gets the focus (so keyboard and screen-reader
 * users start at the new content) and names the document.
 */
export function PageHeading({ children, title }: { children: ReactNode; title: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} — hoso`;
    ref.current?.focus();
  }, [title]);
  return (
    <h1 ref={ref} tabIndex={-1}>
      {children}
    </h1>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" role="status">
      Đang tải {what}…
    </p>
  );
}

export function ErrorMessage({ children, id }: { children: ReactNode; id?: string }) {
  return (
    <div className="alert alert-error" role="alert" id={id}>
      <span className="alert-icon" aria-hidden="true">
        ⚠
      </span>
      <strong>{children}</strong>
    </div>
  );
}
