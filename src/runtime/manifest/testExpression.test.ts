import { describe, expect, it } from 'vitest';
import {
  evaluateTestExpression,
  expressionReferences,
  parseTestExpression,
  TestExpressionError,
  type ExpressionScope,
} from './testExpression.ts';

const scope: ExpressionScope = {
  observable: (name) => ({ position: 500, 'axis-pos': 2, 'rod.tip': 21.5 })[name],
  buffer: (name) =>
    (({ temperature: [1, 2, 3, 4], broken: [1, NaN, 3] }) as Record<string, number[]>)[name],
};
const value = (text: string) => evaluateTestExpression(parseTestExpression(text), scope);

function parseError(text: string): TestExpressionError {
  try {
    parseTestExpression(text);
  } catch (error) {
    if (error instanceof TestExpressionError) return error;
    throw error;
  }
  throw new Error(`expected ${text} not to parse`);
}

describe('test expressions', () => {
  it('evaluate observables, elements and reductions with the usual precedence', () => {
    expect(value('position')).toBe(500);
    expect(value('1 + 2 * 3 - 4 / 2')).toBe(5);
    expect(value('(1 + 2) * -3')).toBe(-9);
    expect(value('temperature[2] - temperature[0]')).toBe(2);
    expect(value('sum(temperature) / 4')).toBe(2.5);
    expect(value('mean(temperature)')).toBe(2.5);
    expect(value('max(temperature) - min(temperature)')).toBe(3);
    expect(value('abs(position - 510) + sqrt(16) + min(3, 1, 2) + max(position, 1e3)')).toBe(1015);
    expect(value('rod.tip + `axis-pos` + .5 + 2.5e-1')).toBe(24.25);
  });

  it('let NaN through reductions, so a diverged state breaks every bound', () => {
    expect(value('sum(broken)')).toBeNaN();
    expect(value('min(broken)')).toBeNaN();
    expect(value('max(broken)')).toBeNaN();
  });

  it('list what they read, with the place of each name', () => {
    expect(
      expressionReferences(parseTestExpression('sum( temperature) + position * t[3]')),
    ).toEqual({
      scalars: [{ name: 'position', at: 20 }],
      buffers: [
        { name: 'temperature', at: 5 },
        { name: 't', at: 31, index: 3 },
      ],
    });
  });

  it.each([
    ['sum(temperature', 15, 'expected `)`, found the end — close the call of sum'],
    [
      'position position',
      9,
      'unexpected `position` after a complete expression — join the parts with an operator',
    ],
    [
      'position ^ 2',
      9,
      'unexpected `^` — use numbers, names, + - * /, parentheses and sum/mean/min/max/abs/sqrt',
    ],
    [
      'exp(position)',
      0,
      'unknown function `exp` — use sum, mean, min or max of a buffer, or abs, sqrt, min or max of values',
    ],
    ['temperature[1.5]', 12, 'the index of `temperature` must be a whole number, found 1.5'],
    ['sum(position + 1)', 0, 'sum() takes the name of one state buffer, e.g. sum(temperature)'],
    [
      'max(position + 1)',
      0,
      'max() takes two or more values, or the name of one state buffer, got 1',
    ],
    ['abs(1, 2)', 0, 'abs() takes one value, got 2'],
    ['2 *', 3, 'expected a number, a name or `(`, found the end — complete the expression'],
    ['`axis', 0, 'unclosed ` — end the quoted name with `'],
  ])('refuse `%s` at character %i', (text, at, problem) => {
    const error = parseError(text);
    expect({ at: error.at, problem: error.problem }).toEqual({ at, problem });
    expect(error.message).toBe(`${problem} (character ${at + 1})`);
  });

  it('refuse names the scope does not have when evaluated', () => {
    expect(() => value('speed')).toThrow('no observable named `speed` (character 1)');
    expect(() => value('1 + sum(pressure)')).toThrow(
      'no state buffer named `pressure` (character 9)',
    );
    expect(() => value('temperature[4]')).toThrow('index 4 is outside `temperature` (length 4)');
  });
});
