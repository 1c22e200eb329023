/** A horizontal bar for a share (0–1) with its label, drawn with CSS (no chart library). */
export function Bar({ share, label, tone = 'primary' }: { share: number; label: string; tone?: 'primary' | 'good' | 'bad' | 'neutral' }) {
  return (
    <div className="bar" title={label}>
      <div className={`bar-fill ${tone}`} style={{ width: `${Math.max(0, Math.min(1, share)) * 100}%` }} />
      <span className="bar-label">{label}</span>
    </div>
  );
}
