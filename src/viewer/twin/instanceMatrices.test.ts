import * as THREE from 'three';
import { describe, expect, it } from 'vitest';
import { writeSegment, writeTranslationScale } from './instanceMatrices.ts';

const apply = (m: Float32Array, i: number, x: number, y: number, z: number) =>
  new THREE.Vector3(x, y, z).applyMatrix4(new THREE.Matrix4().fromArray(m, i * 16));

describe('instance matrices', () => {
  it('takes the unit cylinder’s ends to A and B and its rim to the radius, for any direction', () => {
    const m = new Float32Array(32);
    const cases: [number, number, number, number, number, number][] = [
      [0, 0, 0, 2.5, 0, 0],
      [1, 2, 3, 1, 2, 6.2],
      [1, 2, 3, 1.001, 2, -1],
      [-3, 4, 0.5, 2, -1, 3.2],
    ];
    for (const [ax, ay, az, bx, by, bz] of cases) {
      writeSegment(m, 1, ax, ay, az, bx, by, bz, 0.2);
      const a = apply(m, 1, 0, -0.5, 0);
      const b = apply(m, 1, 0, 0.5, 0);
      expect(a.distanceTo(new THREE.Vector3(ax, ay, az))).toBeLessThan(1e-5);
      expect(b.distanceTo(new THREE.Vector3(bx, by, bz))).toBeLessThan(1e-5);
      const axis = new THREE.Vector3(bx - ax, by - ay, bz - az).normalize();
      for (const [x, z] of [
        [1, 0],
        [0, 1],
        [Math.SQRT1_2, Math.SQRT1_2],
      ] as const) {
        const rim = apply(m, 1, x, 0, z).sub(apply(m, 1, 0, 0, 0));
        expect(rim.length()).toBeCloseTo(0.2, 5);
        expect(Math.abs(rim.dot(axis))).toBeLessThan(1e-5);
      }
      // A proper rotation: faces keep their winding.
      expect(new THREE.Matrix4().fromArray(m, 16).determinant()).toBeGreaterThan(0);
    }
    expect([...m.slice(0, 16)]).toEqual(new Array(16).fill(0));
  });

  it('collapses a zero-length segment and places a scaled marker', () => {
    const m = new Float32Array(16);
    writeSegment(m, 0, 1, 1, 1, 1, 1, 1, 0.3);
    expect(apply(m, 0, 1, 1, 1).length()).toBe(0);
    writeTranslationScale(m, 0, 1, 2, 3, 2);
    expect(apply(m, 0, 1, 0, 0).toArray()).toEqual([3, 2, 3]);
  });
});
