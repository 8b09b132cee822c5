import { describe, expect, it } from 'vitest';
import { parseServerBinary } from '../../../src/protocol/foxglove.ts';
import { msToNs } from '../../../src/protocol/nanoTime.ts';
import type { ChannelInfo, Sample } from '../../../src/protocol/relay.ts';
import { SampleFrameEncoder } from './sampleFrames.ts';

const T0 = 1_763_860_000_000;
const channel = (id: number, unit: string): ChannelInfo => ({
  id,
  name: `ch${id}`,
  unit,
  source: 'test',
});

function encoderFor(...channels: ChannelInfo[]) {
  const encoder = new SampleFrameEncoder();
  for (const c of channels) encoder.addChannel(c);
  return encoder;
}

describe('SampleFrameEncoder', () => {
  it('writes JSON payloads exactly as JSON.stringify would, units in UTF-8', () => {
    const encoder = encoderFor(channel(0, 'µm'), channel(1, 'say "hi"'));
    const samples: Sample[] = [
      [0, T0 + 0.5, 1e-7, T0 + 1],
      [1, T0, Number.NaN, T0],
      [0, T0, -0, T0],
    ];
    const frames = encoder.messageFrames(samples, [3, 4]);
    const payloads = frames.map((frame) => {
      const parsed = parseServerBinary(frame);
      if (!parsed.ok || parsed.message.op !== 'messageData') throw new Error('not message data');
      return [
        parsed.message.subscriptionId,
        parsed.message.timestamp,
        new TextDecoder().decode(parsed.message.payload),
      ];
    });
    expect(payloads).toEqual([
      [
        3,
        msToNs(T0 + 0.5),
        JSON.stringify({ value: 1e-7, deviceTime: T0 + 0.5, receiveTime: T0 + 1, unit: 'µm' }),
      ],
      [
        4,
        msToNs(T0),
        JSON.stringify({ value: null, deviceTime: T0, receiveTime: T0, unit: 'say "hi"' }),
      ],
      [3, msToNs(T0), JSON.stringify({ value: 0, deviceTime: T0, receiveTime: T0, unit: 'µm' })],
    ]);
  });

  it('lays every frame of a flush into one buffer and skips unsubscribed channels', () => {
    const encoder = encoderFor(channel(0, ''), channel(1, ''));
    const samples: Sample[] = Array.from({ length: 100 }, (_, i) => [i % 2, T0 + i, i, T0]);
    const frames = encoder.messageFrames(samples, [undefined, 9]);
    expect(frames).toHaveLength(50);
    expect(new Set(frames.map((f) => f.buffer)).size).toBe(1);
    expect(encoder.messageFrames(samples, [])).toEqual([]);
  });

  it('grows its scratch space for large batches and returns null when nothing is subscribed', () => {
    const encoder = encoderFor(channel(0, ''));
    const samples: Sample[] = Array.from({ length: 5000 }, (_, i) => [0, T0 + i, i, T0 + i]);
    const frame = encoder.batchFrame(samples, [1]);
    const parsed = frame && parseServerBinary(frame);
    expect(parsed?.ok && parsed.message.op === 'sampleBatch' && parsed.message.samples.length).toBe(
      5000,
    );
    expect(encoder.batchFrame(samples, [])).toBeNull();
  });
});
