import { describe, expect, it } from 'vitest';
import { KafkaOffsets } from './kafkaOffsets.ts';

describe('KafkaOffsets', () => {
  it('accepts each offset of a partition once and refuses what is delivered again', () => {
    const offsets = new KafkaOffsets();
    expect(['5', '6', '7'].map((o) => offsets.accept('t', 0, o))).toEqual([true, true, true]);
    // A rejoin resumes from the last commit (offset 6): 6 and 7 come again.
    expect(['6', '7', '8'].map((o) => offsets.accept('t', 0, o))).toEqual([false, false, true]);
    expect(offsets.redelivered).toBe(2);
    expect(offsets.nextOffset('t', 0)).toBe(9);
  });

  it('keeps partitions and topics apart and lets offsets skip ahead', () => {
    const offsets = new KafkaOffsets();
    expect(offsets.accept('t', 0, '10')).toBe(true);
    expect(offsets.accept('t', 1, '3')).toBe(true);
    expect(offsets.accept('u', 0, '0')).toBe(true);
    // Compacted topics and transaction markers leave gaps.
    expect(offsets.accept('t', 0, '15')).toBe(true);
    expect(offsets.accept('t', 0, '12')).toBe(false);
    expect(offsets.nextOffset('t', 1)).toBe(4);
    expect(offsets.nextOffset('v', 0)).toBeUndefined();
  });

  it('accepts earlier offsets after a deliberate seek', () => {
    const offsets = new KafkaOffsets();
    offsets.accept('t', 0, '100');
    offsets.forget('t', 0);
    expect(offsets.accept('t', 0, '50')).toBe(true);
    expect(offsets.accept('t', 0, '50')).toBe(false);
  });
});
