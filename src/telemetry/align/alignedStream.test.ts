import { describe, expect, it } from 'vitest';
import type { Sample } from '../../protocol/relay.ts';
import { createRandom } from '../../twin/random.ts';
import { AlignedStream, AlignedStreamError } from './alignedStream.ts';

const START = 1_700_000_000_000;
/** The quantity both devices measure, as a function of true time. */
const truth = (t: number) =>
  Math.sin((2 * Math.PI * (t - START)) / 4000) + 0.3 * Math.sin((t - START) / 300);

interface Device {
  readonly channel: number;
  readonly skewMs: number;
  readonly driftPpm: number;
  readonly hz: number;
}

/**
 * Samples of `truth` from devices with skewed, drifting clocks, delivered with jittered delay
 * (2 ms + exponential, 10 % bursts of up to half a second), 5 % dropped, in arrival order.
 */
function deliveries(seed: number, devices: readonly Device[], seconds: number): Sample[] {
  const random = createRandom(seed);
  const out: { sample: Sample; arrival: number }[] = [];
  for (const d of devices) {
    const n = Math.floor(seconds * d.hz);
    for (let i = 0; i < n; i++) {
      if (random.uniform() < 0.05) continue;
      const trueTime = START + (i * 1000) / d.hz + random.uniform() * 0.5;
      const deviceTime = START + d.skewMs + (trueTime - START) * (1 + d.driftPpm * 1e-6);
      let delay = 2 - 3 * Math.log(Math.max(random.uniform(), 1e-12));
      if (random.uniform() < 0.1) delay += 500 * random.uniform();
      out.push({
        sample: [d.channel, deviceTime, truth(trueTime), trueTime + delay],
        arrival: trueTime + delay,
      });
    }
  }
  return out.sort((a, b) => a.arrival - b.arrival).map((x) => x.sample);
}

const devices: Device[] = [
  { channel: 0, skewMs: 2500, driftPpm: 300, hz: 100 },
  { channel: 1, skewMs: -1200, driftPpm: -200, hz: 50 },
  { channel: 2, skewMs: 40, driftPpm: 0, hz: 20 },
];

function feed(stream: AlignedStream, samples: readonly Sample[], batch = 37) {
  for (let i = 0; i < samples.length; i += batch) stream.push(samples.slice(i, i + batch));
}

describe('AlignedStream', () => {
  it('puts devices with skewed, drifting clocks on one timeline despite jitter, drops and reordering', () => {
    const stream = new AlignedStream({ deviceOf: (ch) => `dev${ch}`, allowedLatenessMs: 600 });
    feed(stream, deliveries(1, devices, 60));
    stream.advanceTo(START + 61_000);
    // Relay time ≈ true time + the median delay (~4 ms): compare with truth 4 ms earlier.
    const rows = stream.replay({
      t0: START + 30_000,
      t1: START + 58_000,
      stepMs: 10,
      channels: [0, 1, 2],
      mode: 'linear',
      maxGapMs: 250,
    });
    expect(rows.length).toBe(2801);
    let worst = 0;
    let missing = 0;
    for (const row of rows) {
      row.values.forEach((v) => {
        if (Number.isNaN(v)) missing++;
        else worst = Math.max(worst, Math.abs(v - truth(row.time - 4)));
      });
    }
    // Unaligned, the 2.5 s skew alone would put channel 0 off by up to ~1.7 (the signal's slope).
    expect(worst).toBeLessThan(0.03);
    expect(missing).toBe(0);
    const clock0 = stream.clock('dev0')!;
    expect(Math.abs((1 / clock0.slope - 1) * 1e6 - 300)).toBeLessThan(30);
  });

  it('seeks: each channel as held, or interpolated, at a relay time behind the watermark', () => {
    const stream = new AlignedStream({ deviceOf: (ch) => `dev${ch}`, allowedLatenessMs: 600 });
    feed(stream, deliveries(2, devices, 20));
    const t = stream.watermark - 1000;
    const linear = stream.seek(t, [0, 1, 2], 'linear');
    linear.values.forEach((v) => expect(Math.abs(v - truth(t - 4))).toBeLessThan(0.03));
    const held = stream.seek(t, [2], 'zoh');
    // 20 Hz: the held value is at most 50 ms old.
    expect(Math.abs(held.values[0]! - truth(t - 4))).toBeLessThan(0.1);
    expect(Number.isNaN(stream.seek(t, [9]).values[0])).toBe(true);
    expect(() => stream.seek(stream.watermark + 1, [0])).toThrow(AlignedStreamError);
  });

  it('counts samples arriving behind the watermark as late instead of reordering them', () => {
    const stream = new AlignedStream({ deviceOf: () => 'dev', allowedLatenessMs: 100 });
    const base = START;
    stream.push([
      [0, base, 1, base + 5],
      [0, base + 500, 2, base + 505],
      [0, base + 1000, 3, base + 1005],
    ]);
    const before = stream.watermark;
    stream.push([[0, base + 200, 9, base + 1200]]); // 1 s late: behind the watermark
    expect(stream.lateSamples).toBe(1);
    expect(stream.watermark).toBeGreaterThanOrEqual(before);
    const rows = stream.replay({
      t0: base,
      t1: stream.watermark,
      stepMs: 100,
      channels: [0],
      mode: 'zoh',
      maxGapMs: 1000,
    });
    expect(rows.map((r) => r.values[0])).not.toContain(9);
  });

  it('refuses a window past the watermark or a bad step, saying what to do', () => {
    const stream = new AlignedStream({ deviceOf: () => 'dev', allowedLatenessMs: 100 });
    stream.push([[0, START, 1, START]]);
    expect(() =>
      stream.replay({ t0: START, t1: START + 1e6, stepMs: 10, channels: [0], mode: 'zoh' }),
    ).toThrow(/end it at or before the watermark/);
    expect(() =>
      stream.replay({ t0: START, t1: START - 1, stepMs: 10, channels: [0], mode: 'zoh' }),
    ).toThrow(/t0 ≤ t1/);
    expect(() =>
      stream.replay({ t0: START, t1: START, stepMs: 0, channels: [0], mode: 'zoh' }),
    ).toThrow(/stepMs > 0/);
  });

  it('forgets ordered history older than retainMs', () => {
    const stream = new AlignedStream({
      deviceOf: () => 'dev',
      allowedLatenessMs: 0,
      retainMs: 1000,
    });
    const samples: Sample[] = [];
    for (let i = 0; i < 5000; i++) samples.push([0, START + i, i, START + i]);
    stream.push(samples);
    expect(Number.isNaN(stream.seek(START + 100, [0]).values[0])).toBe(true);
    expect(stream.seek(START + 4500, [0]).values[0]).toBe(4500);
  });
});
