import { describe, expect, it } from 'vitest';
import { closest, suggestion } from './didYouMean.ts';

describe('closest', () => {
  it('suggests typos, swaps and case slips, but not unrelated words', () => {
    expect(closest('lowr', ['lower', 'upper'])).toBe('lower');
    expect(closest('regularization', ['regularisation', 'weights'])).toBe('regularisation');
    expect(closest('wrokgroups', ['workgroups', 'bindings'])).toBe('workgroups');
    expect(closest('Steps', ['steps', 'dt'])).toBe('steps');
    expect(closest('colour', ['name', 'file'])).toBeUndefined();
    expect(closest('dx', ['dt'])).toBe('dt');
    expect(closest('ab', ['xy'])).toBeUndefined();
  });
});

describe('suggestion', () => {
  it('offers the nearest candidate, else lists them all, else says there are none', () => {
    expect(suggestion('tipp', ['tip', 'root'], 'observables')).toBe(' — did you mean `tip`?');
    expect(suggestion('x', ['tip', 'root'], 'observables')).toBe(' — observables: `tip`, `root`');
    expect(suggestion('x', [], 'observables')).toBe(' — there are no observables');
  });
});
