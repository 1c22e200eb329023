import type { ReactNode } from 'react';

/**
 * A table that may be wider than the page: its wrapper scrolls sideways and takes keyboard focus
 * (so it can be scrolled without a mouse), named for screen readers by `label`. `columns` are the
 * header cells; `children` the body rows; `testId` names the table for tests.
 */
export function ScrollTable({
  label,
  caption,
  columns,
  loading = false,
  className,
  testId,
  children,
}: {
  label: string;
  caption: string;
  columns: readonly ReactNode[];
  loading?: boolean;
  className?: string;
  testId?: string;
  children: ReactNode;
}) {
  return (
    <div className={`table-wrap${loading ? ' is-loading' : ''}`} tabIndex={0} role="region" aria-label={label} aria-busy={loading}>
      <table className={`table${className ? ` ${className}` : ''}`} data-testid={testId}>
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            {columns.map((column, i) => (
              <th key={i} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
