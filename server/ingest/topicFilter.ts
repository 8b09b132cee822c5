/**
 * MQTT topic filters compiled once into matchers that also capture what the wildcards matched,
 * so channel templates can use them (`{1}`, `{#}`; see protocol.ts). Kafka topic names have no
 * `/` and so are one level.
 */

/** What a topic filled in for a filter's wildcards. */
export interface TopicCaptures {
  readonly topic: string;
  /** The level matched by each `+`, in order. */
  readonly plus: readonly string[];
  /** The levels matched by a trailing `#`, joined with `/`; undefined when the filter has none. */
  readonly hash: string | undefined;
  /** The topic minus the filter's literal prefix, as the relay has always named channels. */
  readonly suffix: string;
}

export interface TopicFilter {
  readonly filter: string;
  /** Number of `+` levels: the largest `{n}` a template may use. */
  readonly plusCount: number;
  readonly hasHash: boolean;
  /** Captures when `topic` matches, else undefined. */
  match(topic: string): TopicCaptures | undefined;
}

/** Why a filter is invalid, as a message with the fix; undefined when it is valid. */
export function filterProblem(filter: string): string | undefined {
  if (filter === '') return 'the topic filter is empty — give e.g. `plant/+/sensors/#`';
  if (filter.includes('\u0000')) return 'the topic filter contains a NUL character — remove it';
  const levels = filter.split('/');
  for (const [i, level] of levels.entries()) {
    if (level.includes('#') && (level !== '#' || i !== levels.length - 1)) {
      return `\`${filter}\`: \`#\` must be a whole level and the last one — e.g. \`a/b/#\``;
    }
    if (level.includes('+') && level !== '+') {
      return `\`${filter}\`: \`+\` must fill a whole level — e.g. \`a/+/c\`, not \`a/b+/c\``;
    }
  }
  return undefined;
}

/** Compiles a valid filter (check it with filterProblem first). */
export function compileTopicFilter(filter: string): TopicFilter {
  const levels = filter.split('/');
  const hasHash = levels[levels.length - 1] === '#';
  const fixed = hasHash ? levels.slice(0, -1) : levels;
  const plusCount = fixed.filter((level) => level === '+').length;
  const firstWildcard = levels.findIndex((level) => level === '+' || level === '#');
  const prefix =
    firstWildcard < 0
      ? ''
      : levels
          .slice(0, firstWildcard)
          .map((level) => `${level}/`)
          .join('');
  // Wildcards do not match topics starting with '$' (MQTT 3.1.1 §4.7.2).
  const leadingWildcard = firstWildcard === 0;

  const suffixOf = (topic: string): string => {
    if (firstWildcard >= 0) {
      const rest = topic.slice(prefix.length);
      if (rest !== '') return rest;
    }
    const slash = topic.lastIndexOf('/');
    const last = topic.slice(slash + 1);
    return last !== '' ? last : topic;
  };

  return {
    filter,
    plusCount,
    hasHash,
    match(topic) {
      if (leadingWildcard && topic.startsWith('$')) return undefined;
      const parts = topic.split('/');
      if (hasHash ? parts.length < fixed.length : parts.length !== fixed.length) return undefined;
      const plus: string[] = [];
      for (let i = 0; i < fixed.length; i++) {
        const level = fixed[i];
        const part = parts[i] as string;
        if (level === '+') plus.push(part);
        else if (level !== part) return undefined;
      }
      const hash = hasHash ? parts.slice(fixed.length).join('/') : undefined;
      return { topic, plus, hash, suffix: suffixOf(topic) };
    },
  };
}

/**
 * Whether every topic `later` matches is matched by `earlier` too, so a rule with `later` after
 * one with `earlier` can never apply.
 */
export function filterCovers(earlier: string, later: string): boolean {
  const a = earlier.split('/');
  const b = later.split('/');
  for (let i = 0; i < a.length; i++) {
    const level = a[i];
    if (level === '#') {
      // `#` and `+` in the first level do not match `$` topics, which a literal `$…` names.
      return !(i === 0 && b[0]?.startsWith('$') === true);
    }
    const other = b[i];
    if (other === undefined || other === '#') return false;
    if (level === '+') {
      if (i === 0 && other.startsWith('$')) return false;
      continue;
    }
    if (level !== other) return false;
  }
  return a.length === b.length;
}
