/**
 * The broker message every path carries: little-endian f64s, `[publish time ms, v0 … vS-1]`.
 * The relay maps it with an `f64le` rule (`timestamp: f64ms`, `count: S`) to S channels, so each
 * value becomes one sample whose device time is the publish time; the mqtt.js client reads the
 * same bytes itself. Values are the running sample index, exact in an f64.
 */

export const payloadBytes = (samplesPerMsg: number): number => 8 * (1 + samplesPerMsg);

/**
 * Writes one message at `offset` of `view`: publish time `t`, then values `first` … `first+S-1`.
 *
 * @example writePayload(view, 0, wallMs(), 10, 5) // [t, 5, 6, …, 14]
 */
export function writePayload(
  view: DataView,
  offset: number,
  t: number,
  samplesPerMsg: number,
  first: number,
): void {
  view.setFloat64(offset, t, true);
  for (let i = 0; i < samplesPerMsg; i++) view.setFloat64(offset + 8 + 8 * i, first + i, true);
}
