import { describe, expect, it } from 'vitest';
import { parseYamlSource } from './yamlSource.ts';

const text = `name: rod
description:
buffers:
  - name: t
    initial: &zeros [0, 0]
  - name: u
    initial: *zeros
`;

describe('parseYamlSource', () => {
  it('places a path at its value, or at its key when asked', () => {
    const source = parseYamlSource(text);
    const at = (path: (string | number)[], where?: 'key' | 'value') =>
      source.place({ code: 'wrong_type', path, message: '', ...(where && { at: where }) });
    expect(at(['buffers', 0, 'initial', 1])).toMatchObject({
      path: 'buffers[0].initial[1]',
      line: 5,
      column: 25,
    });
    expect(at(['buffers', 1, 'name'], 'key')).toMatchObject({ line: 6, column: 5 });
  });

  it('points at the key of an empty value, and at the nearest written ancestor of a missing one', () => {
    const source = parseYamlSource(text);
    const place = (path: (string | number)[]) =>
      source.place({ code: 'missing_key', path, message: '' });
    expect(place(['description'])).toMatchObject({ line: 2 });
    expect(place(['buffers', 1, 'length'])).toMatchObject({
      path: 'buffers[1].length',
      line: 6,
      column: 5,
    });
  });

  it('follows aliases to the anchored node', () => {
    const source = parseYamlSource(text);
    expect(source.data).toMatchObject({ buffers: [{ initial: [0, 0] }, { initial: [0, 0] }] });
    expect(
      source.place({ code: 'wrong_type', path: ['buffers', 1, 'initial', 0], message: '' }),
    ).toMatchObject({
      line: 5,
      column: 22,
    });
  });

  it('reports several documents in one file as a syntax error', () => {
    const source = parseYamlSource('a: 1\n---\nb: 2\n');
    expect(source.syntaxIssues).toHaveLength(1);
    expect(source.syntaxIssues[0]).toMatchObject({ code: 'yaml_syntax', line: 2, column: 1 });
  });
});
