import type { TopicCaptures } from './topicFilter.ts';

/**
 * Channel-name and device-id templates over a topic's captures (`{1}`, `{#}`, `{topic}`,
 * `{suffix}`, `{{`, `}}`; see protocol.ts). Rendered once per topic, then cached by the mapper.
 */

type Part =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'plus'; readonly index: number }
  | { readonly kind: 'hash' | 'topic' | 'suffix' };

export interface Template {
  readonly source: string;
  /** The largest `{n}` used, 0 for none. */
  readonly maxPlus: number;
  readonly usesHash: boolean;
  /** Whether the result depends on the topic at all. */
  readonly isConstant: boolean;
  render(captures: TopicCaptures): string;
}

export type TemplateParse =
  | { readonly ok: true; readonly template: Template }
  | { readonly ok: false; readonly message: string };

const VARIABLES = '`{1}`, `{2}`, … (the `+` levels), `{#}`, `{topic}` or `{suffix}`';

/** Parses a template; a problem comes back as a message with the fix, never as a throw. */
export function parseTemplate(source: string): TemplateParse {
  const parts: Part[] = [];
  let text = '';
  let i = 0;
  while (i < source.length) {
    const ch = source[i] as string;
    if (ch === '}') {
      if (source[i + 1] !== '}') {
        return fail(
          `\`${source}\` has a lone \`}\` at ${i + 1} — write \`}}\` for a literal brace`,
        );
      }
      text += '}';
      i += 2;
      continue;
    }
    if (ch !== '{') {
      text += ch;
      i++;
      continue;
    }
    if (source[i + 1] === '{') {
      text += '{';
      i += 2;
      continue;
    }
    const end = source.indexOf('}', i + 1);
    if (end < 0) {
      return fail(`\`${source}\` opens \`{\` at ${i + 1} without closing it — use ${VARIABLES}`);
    }
    const name = source.slice(i + 1, end);
    const part = variable(name);
    if (part === undefined) {
      return fail(`\`{${name}}\` is not a template variable — use ${VARIABLES}`);
    }
    if (text !== '') parts.push({ kind: 'text', text });
    text = '';
    parts.push(part);
    i = end + 1;
  }
  if (text !== '') parts.push({ kind: 'text', text });
  return { ok: true, template: build(source, parts) };
}

function fail(message: string): TemplateParse {
  return { ok: false, message };
}

function variable(name: string): Part | undefined {
  if (/^[1-9]\d{0,2}$/.test(name)) return { kind: 'plus', index: Number(name) - 1 };
  if (name === '#') return { kind: 'hash' };
  if (name === 'topic' || name === 'suffix') return { kind: name };
  return undefined;
}

function build(source: string, parts: readonly Part[]): Template {
  let maxPlus = 0;
  let usesHash = false;
  for (const part of parts) {
    if (part.kind === 'plus') maxPlus = Math.max(maxPlus, part.index + 1);
    if (part.kind === 'hash') usesHash = true;
  }
  const isConstant = parts.every((part) => part.kind === 'text');
  const constant = parts.map((part) => (part.kind === 'text' ? part.text : '')).join('');
  return {
    source,
    maxPlus,
    usesHash,
    isConstant,
    render(captures) {
      if (isConstant) return constant;
      let out = '';
      for (const part of parts) {
        switch (part.kind) {
          case 'text':
            out += part.text;
            break;
          case 'plus':
            out += captures.plus[part.index] ?? '';
            break;
          case 'hash':
            out += captures.hash ?? '';
            break;
          case 'topic':
            out += captures.topic;
            break;
          case 'suffix':
            out += captures.suffix;
            break;
        }
      }
      return out;
    },
  };
}

/**
 * Why `template` cannot be filled from `filter`'s captures (a `{3}` with two `+`, a `{#}` without
 * `#`), or undefined when it can.
 */
export function uncapturedProblem(
  template: Template,
  filter: string,
  plusCount: number,
  hasHash: boolean,
): string | undefined {
  if (template.maxPlus > plusCount) {
    const captured =
      plusCount === 0
        ? 'has no `+` levels'
        : `captures ${plusCount} \`+\` level${plusCount === 1 ? '' : 's'} ({1}…{${plusCount}})`;
    return `\`${template.source}\` uses {${template.maxPlus}} but the filter \`${filter}\` ${captured} — add a \`+\` level to the filter or use a captured one`;
  }
  if (template.usesHash && !hasHash) {
    return `\`${template.source}\` uses {#} but the filter \`${filter}\` does not end in \`#\` — end the filter with \`/#\` or use {suffix}`;
  }
  return undefined;
}
