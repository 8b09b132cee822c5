import { describe, expect, it } from 'vitest';
import { parseTemplate, uncapturedProblem, type Template } from './template.ts';
import { compileTopicFilter } from './topicFilter.ts';

function template(source: string): Template {
  const parsed = parseTemplate(source);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.template;
}

describe('parseTemplate', () => {
  it('fills {n}, {#}, {topic} and {suffix} from a topic', () => {
    const captures = compileTopicFilter('plant/+/sensors/#').match('plant/p1/sensors/boiler/in');
    if (captures === undefined) throw new Error('no match');
    expect(template('{1}/{#}').render(captures)).toBe('p1/boiler/in');
    expect(template('{topic}').render(captures)).toBe('plant/p1/sensors/boiler/in');
    expect(template('{suffix}').render(captures)).toBe('p1/sensors/boiler/in');
    expect(template('{{{1}}}.t').render(captures)).toBe('{p1}.t');
    expect(template('fixed').render(captures)).toBe('fixed');
  });

  it('reports what it uses, for checking against the filter', () => {
    expect(template('{2}-{1}/{#}')).toMatchObject({
      maxPlus: 2,
      usesHash: true,
      isConstant: false,
    });
    expect(template('a{{b}}')).toMatchObject({ maxPlus: 0, usesHash: false, isConstant: true });
  });

  it('refuses unknown variables and unbalanced braces, naming the fix', () => {
    const message = (source: string) => {
      const parsed = parseTemplate(source);
      return parsed.ok ? '' : parsed.message;
    };
    expect(message('{device}')).toContain('`{device}` is not a template variable');
    expect(message('{0}')).toContain('is not a template variable');
    expect(message('a{1')).toContain('without closing it');
    expect(message('a}b')).toContain('write `}}` for a literal brace');
  });
});

describe('uncapturedProblem', () => {
  it('names a {n} beyond the filter’s + levels and a {#} without #', () => {
    expect(uncapturedProblem(template('{3}'), 'a/+/+', 2, false)).toContain(
      'uses {3} but the filter `a/+/+` captures 2 `+` levels',
    );
    expect(uncapturedProblem(template('{1}'), 'a/b', 0, false)).toContain('has no `+` levels');
    expect(uncapturedProblem(template('{#}'), 'a/+', 1, false)).toContain('does not end in `#`');
    expect(uncapturedProblem(template('{1}/{#}'), 'a/+/#', 1, true)).toBeUndefined();
  });
});
