import { describe, expect, it } from 'vitest';
import { LiveTelemetry, SampleRing } from './liveTelemetry.ts';

describe('SampleRing', () => {
  it('keeps the newest samples oldest-first once full', () => {
    const ring = new SampleRing(3);
    for (let i = 1; i <= 5; i++) ring.push(i, i * 10);
    const seen: number[] = [];
    ring.forEach((t) => seen.push(t));
    expect(seen).toEqual([3, 4, 5]);
    expect(ring.size).toBe(3);
  });
});

describe('LiveTelemetry', () => {
  const channels = [
    { id: 0, name: 'disp.z.L50', unit: 'mm', source: 'mqtt:x' },
    { id: 1, name: 'acc.z.L50', unit: 'm/s²', source: 'mqtt:y' },
  ];

  it('keeps the latest value by device time, even when samples arrive out of order', () => {
    const t = new LiveTelemetry();
    t.setChannels(channels);
    t.ingest([
      [0, 2000, 2, 0],
      [0, 1990, 1, 0],
    ]);
    expect(t.latest('disp.z.L50')).toBe(2);
    expect(t.channel('disp.z.L50')?.count).toBe(2);
  });

  it('counts samples for unannounced channels as unknown and keeps going', () => {
    const t = new LiveTelemetry();
    t.setChannels(channels);
    t.ingest([
      [7, 1000, 1, 0],
      [1, 1000, 0.5, 0],
    ]);
    expect(t.unknownSamples).toBe(1);
    expect(t.latest('acc.z.L50')).toBe(0.5);
    expect(t.latest('missing')).toBeNaN();
  });

  it('measures the sample rate over device time, so a burst of backlog still reads 100 Hz', () => {
    const t = new LiveTelemetry();
    t.setChannels(channels);
    // 5 s of 100 Hz samples, all arriving within the same millisecond.
    for (let i = 0; i < 500; i++) t.ingest([[0, 1_000_000 + i * 10, i, 0]], 20_000);
    expect(t.summaries(20_100).find((s) => s.name === 'disp.z.L50')?.rateHz).toBeCloseTo(100, 0);
  });

  it('reads 0 Hz for a channel that has gone quiet', () => {
    const t = new LiveTelemetry();
    t.setChannels(channels);
    for (let i = 0; i < 100; i++) t.ingest([[0, 1_000_000 + i * 10, i, 0]], 20_000);
    expect(t.summaries(25_000).find((s) => s.name === 'disp.z.L50')?.rateHz).toBe(0);
  });

  it('counts samples per second of device time for the timeline overview', () => {
    const t = new LiveTelemetry();
    t.setChannels(channels);
    t.ingest([
      [0, 5000, 1, 0],
      [0, 5500, 1, 0],
      [1, 6100, 1, 0],
    ]);
    expect(t.countsPerSecond(4, 8)).toEqual([0, 2, 1, 0]);
    expect(t.headTime).toBe(6100);
  });
});
