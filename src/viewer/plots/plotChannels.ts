/** Plotted channel names → what the recordings and the live table know of them. Pure. */
import type { ChannelInfo } from '../../protocol/relay.ts';

type Named = Pick<ChannelInfo, 'name' | 'unit'> & { readonly id?: number };

/** The id in `table` of each name, null where the table has no such channel. */
export function channelIdsIn(
  table: readonly Pick<ChannelInfo, 'id' | 'name'>[],
  names: readonly string[],
): (number | null)[] {
  return names.map((name) => table.find((c) => c.name === name)?.id ?? null);
}

/** The unit of each name from the first table that has it; null where none does. */
export function unitsOf(
  tables: readonly (readonly Named[] | undefined)[],
  names: readonly string[],
) {
  return names.map((name) => {
    for (const table of tables) {
      const found = table?.find((c) => c.name === name);
      if (found) return found.unit;
    }
    return null;
  });
}

/** Series colours, by a channel's place in its plot (dark theme, distinct at 1.5 px). */
export const PLOT_COLORS = [
  '#38bdf8',
  '#f59e0b',
  '#22c55e',
  '#f472b6',
  '#a78bfa',
  '#2dd4bf',
  '#fb923c',
  '#e2e8f0',
] as const;

export function plotColor(index: number): string {
  return PLOT_COLORS[index % PLOT_COLORS.length]!;
}
