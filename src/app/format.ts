/** Formats a reading for the channel list: 4 significant digits, fixed width for small values. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return '—';
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e5)) return value.toExponential(2);
  return value.toFixed(abs >= 100 ? 1 : abs >= 10 ? 2 : 3);
}

export function formatClock(ms: number): string {
  if (!(ms > 0)) return '--:--:--';
  const d = new Date(ms);
  return `${d.toLocaleTimeString([], { hour12: false })}.${String(d.getMilliseconds()).padStart(3, '0').slice(0, 1)}`;
}
