import { CsvDataError, type CsvIssue } from './csvDataError.ts';
import { limit, parseCsvTable } from './csvTable.ts';

/** One channel of a CSV file: its values at the file's times, NaN where a cell is empty. */
export interface CsvChannel {
  readonly name: string;
  readonly times: Float64Array;
  readonly values: Float64Array;
}

/**
 * Reads the `time` column and the named channels of a CSV file. Checks that the header starts
 * with `time`, that every channel is in it, that times are numbers that strictly increase, and
 * that channel cells are numbers, empty or NaN (both gaps). Other columns are not read.
 */
export function readCsvChannels(
  text: string,
  file: string,
  channels: readonly string[],
  neededFor: string,
): Map<string, CsvChannel> {
  const table = parseCsvTable(text, file);
  if (table.header[0]?.toLowerCase() !== 'time') {
    throw new CsvDataError('bad_csv', file, [
      {
        line: table.headerLine,
        message: `the first column must be \`time\` (seconds), found \`${table.header[0] ?? ''}\` — name the time column \`time\``,
      },
    ]);
  }
  const missing = channels.filter((c) => !table.header.includes(c));
  if (missing.length > 0) {
    const names = missing.map((c) => `\`${c}\``).join(', ');
    throw new CsvDataError('missing_channel', file, [
      {
        line: table.headerLine,
        message: `${neededFor} ${missing.length === 1 ? 'need channel' : 'need channels'} ${names}, which the header lacks (it has ${
          table.header
            .slice(1)
            .map((c) => `\`${c}\``)
            .join(', ') || 'no channels'
        }) — add ${missing.length === 1 ? 'that column' : 'those columns'}`,
      },
    ]);
  }
  const numberIssues: CsvIssue[] = [];
  const orderIssues: CsvIssue[] = [];
  const times = new Float64Array(table.rows.length);
  const columns = channels.map((name) => ({
    name,
    index: table.header.indexOf(name),
    values: new Float64Array(table.rows.length),
  }));
  let previous: { time: number; line: number } | undefined;
  table.rows.forEach((row, r) => {
    const time = parseNumber(row.cells[0] ?? '');
    if (time === undefined || Number.isNaN(time)) {
      numberIssues.push({
        line: row.line,
        message: `time ${JSON.stringify(row.cells[0])} is not a number — give seconds, e.g. 0.25`,
      });
    } else {
      if (previous !== undefined && !(time > previous.time)) {
        orderIssues.push({
          line: row.line,
          message: `time ${time} is not after ${previous.time} (line ${previous.line}) — sort the rows by time and drop repeated times`,
        });
      }
      previous = { time, line: row.line };
    }
    times[r] = time ?? Number.NaN;
    for (const column of columns) {
      const cell = row.cells[column.index] ?? '';
      const value = cell === '' ? Number.NaN : parseNumber(cell);
      if (value === undefined) {
        numberIssues.push({
          line: row.line,
          message: `${column.name} ${JSON.stringify(cell)} is not a number — give a number, or leave the cell empty for a gap`,
        });
      }
      column.values[r] = value ?? Number.NaN;
    }
  });
  if (numberIssues.length > 0) throw new CsvDataError('bad_number', file, limit(numberIssues));
  if (orderIssues.length > 0) throw new CsvDataError('not_increasing', file, limit(orderIssues));
  return new Map(columns.map((c) => [c.name, { name: c.name, times, values: c.values }]));
}

/** A decimal number (`-1.5`, `2e-3`, `.5`, `NaN`), or undefined for anything else. */
function parseNumber(cell: string): number | undefined {
  if (/^nan$/i.test(cell)) return Number.NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(cell)) return undefined;
  return Number(cell);
}

/** Times of the first and last sample that is not a gap, or undefined when all are gaps. */
export function sampledRange(channel: CsvChannel): [number, number] | undefined {
  let first = -1;
  let last = -1;
  for (let i = 0; i < channel.values.length; i++) {
    if (Number.isNaN(channel.values[i])) continue;
    if (first < 0) first = i;
    last = i;
  }
  if (first < 0) return undefined;
  return [channel.times[first] ?? Number.NaN, channel.times[last] ?? Number.NaN];
}

/**
 * The channel at `time` by linear interpolation between the rows around it; NaN when either
 * row is a gap. Times within `tolerance` of a row take that row's value.
 */
export function interpolateLinear(channel: CsvChannel, time: number, tolerance: number): number {
  const { times, values } = channel;
  const i = lastAtOrBefore(times, time + tolerance);
  if (i < 0) return Number.NaN;
  const t0 = times[i] ?? Number.NaN;
  const v0 = values[i] ?? Number.NaN;
  if (Math.abs(time - t0) <= tolerance) return v0;
  if (i + 1 >= times.length) return Number.NaN;
  const t1 = times[i + 1] ?? Number.NaN;
  const v1 = values[i + 1] ?? Number.NaN;
  return v0 + ((v1 - v0) * (time - t0)) / (t1 - t0);
}

/** Index of the last time ≤ `time` in increasing `times`, or -1. */
export function lastAtOrBefore(times: Float64Array, time: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((times[mid] ?? Number.NaN) <= time) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

export function formatSeconds(t: number): string {
  return `${Number(t.toPrecision(6))} s`;
}
