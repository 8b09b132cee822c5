import { describe, expect, it } from 'vitest';
import { channelIdsIn, plotColor, PLOT_COLORS, unitsOf } from './plotChannels.ts';

const table = [
  { id: 3, name: 'disp.z.L50', unit: 'mm' },
  { id: 8, name: 'strain.U3', unit: 'µε' },
];

describe('plot channels', () => {
  it("finds each plotted channel's id in a recording, null when it is not there", () => {
    expect(channelIdsIn(table, ['strain.U3', 'acc.z.L25', 'disp.z.L50'])).toEqual([8, null, 3]);
  });

  it('takes units from the first table that knows the channel', () => {
    const live = [{ name: 'acc.z.L25', unit: 'm/s²' }];
    expect(unitsOf([live, table], ['disp.z.L50', 'acc.z.L25', 'nope'])).toEqual([
      'mm',
      'm/s²',
      null,
    ]);
    expect(unitsOf([undefined], ['disp.z.L50'])).toEqual([null]);
  });

  it('cycles through the palette', () => {
    expect(plotColor(PLOT_COLORS.length)).toBe(plotColor(0));
  });
});
