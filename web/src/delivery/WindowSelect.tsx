/** The windows the delivery pages offer. */
export const WINDOWS = ['7d', '30d', '90d', '180d'];

/** The window a page's `?window=` asks for, else `fallback`. */
export function chosenWindow(params: URLSearchParams, fallback = '30d'): string {
  const asked = params.get('window') ?? '';
  return WINDOWS.includes(asked) ? asked : fallback;
}

/** The labelled choice of a window ("last 30 days"). */
export function WindowSelect({ id, value, onChange, windows = WINDOWS }: { id: string; value: string; onChange: (window: string) => void; windows?: readonly string[] }) {
  return (
    <div className="field">
      <label htmlFor={id}>Window</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {windows.map((w) => (
          <option key={w} value={w}>
            last {w.replace('d', ' days')}
          </option>
        ))}
      </select>
    </div>
  );
}
