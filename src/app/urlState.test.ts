import { describe, expect, it } from 'vitest';
import { parseUrlView, writeUrlView } from './urlState.ts';

describe('URL view', () => {
  it('round-trips twin, recording, time and selection, keeping other parameters', () => {
    const search = writeUrlView('?relay=ws://x&gpu=off', {
      twin: 'footbridge',
      recording: 'rec-1',
      t: 1_700_000_000_123.4,
      selection: { kind: 'member', index: 7 },
    });
    const params = new URLSearchParams(search);
    expect(params.get('relay')).toBe('ws://x');
    expect(params.get('gpu')).toBe('off');
    expect(parseUrlView(search)).toEqual({
      twin: 'footbridge',
      recording: 'rec-1',
      t: 1_700_000_000_123,
      selection: { kind: 'member', index: 7 },
    });
  });

  it('drops the time when live and never writes a token into a shared link', () => {
    const search = writeUrlView('?token=secret', {
      twin: 'footbridge',
      recording: null,
      t: 123,
      selection: { kind: 'sensor', channel: 'strain.bc.L7' },
    });
    expect(search).toBe('?twin=footbridge&sel=sensor%3Astrain.bc.L7');
  });

  it('ignores malformed values instead of failing', () => {
    expect(parseUrlView('?recording=../../x&t=abc&sel=member:-1')).toEqual({
      twin: null,
      recording: null,
      t: null,
      selection: null,
    });
  });
});
