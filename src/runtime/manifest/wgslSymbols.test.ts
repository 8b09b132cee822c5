import { describe, expect, it } from 'vitest';
import { wgslSymbols } from './wgslSymbols.ts';

describe('wgslSymbols', () => {
  it('finds compute entry points and storage and uniform variables, ignoring comments', () => {
    const source = `
      struct Clock { step: u32, time: f32, dt: f32 }
      @group(0) @binding(0) var<uniform> clock: Clock;
      @group(0) @binding(1) var<storage, read> pos : array<vec4f>; // @diff
      @binding(2) @group(0) var<storage,read_write> force: array<vec4f>;
      // @compute @workgroup_size(1) fn commented() {}
      /* @compute /* nested */ @workgroup_size(1) fn blocked() {} */
      fn helper(x: f32) -> f32 { var local: f32 = x; return local; }
      @compute @workgroup_size(64, 1, 1)
      fn main(@builtin(global_invocation_id) gid: vec3u) {}
      @compute
      @workgroup_size(8) fn second() {}
    `;
    expect(wgslSymbols(source)).toEqual({
      entries: ['main', 'second'],
      storage: ['pos', 'force'],
      uniform: ['clock'],
    });
  });
});
