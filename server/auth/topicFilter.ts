/**
 * MQTT topic names and filters (MQTT 3.1.1 §4.7, 5.0 §4.7), for access rules. Kept apart from
 * relay/topicChannel.ts on purpose: an access check must refuse what it does not understand, so
 * here invalid filters and topics never match.
 */

/** What is wrong with an MQTT topic filter, or null when it is valid. */
export function topicFilterProblem(filter: string): string | null {
  if (filter === '') return "it is empty: use '#' for every topic";
  if (filter.includes('\u0000')) return 'it contains a NUL character';
  const levels = filter.split('/');
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i] ?? '';
    if (level.includes('#')) {
      if (level !== '#') return "'#' must fill a whole level";
      if (i !== levels.length - 1) return "'#' must be last";
    }
    if (level.includes('+') && level !== '+') return "'+' must fill a whole level";
  }
  return null;
}

/** Whether `topic` is a topic name one can publish to: not empty, no wildcards, no NUL. */
export function isValidTopic(topic: string): boolean {
  return topic !== '' && !topic.includes('+') && !topic.includes('#') && !topic.includes('\u0000');
}

/**
 * Whether `filter` matches `topic`. `#` matches its parent level too (`a/#` matches `a`), `+`
 * exactly one level (possibly empty), and topics starting with `$` are matched only by filters
 * that start with the same literal level. An invalid filter or topic matches nothing.
 *
 * @example topicFilterMatches('twinbench/+/commands/#', 'twinbench/footbridge/commands') // true
 */
export function topicFilterMatches(filter: string, topic: string): boolean {
  if (!isValidTopic(topic) || topicFilterProblem(filter) !== null) return false;
  const f = filter.split('/');
  const t = topic.split('/');
  if (topic.startsWith('$') && (f[0] === '#' || f[0] === '+')) return false;
  for (let i = 0; i < f.length; i++) {
    const level = f[i];
    if (level === '#') return true;
    if (i >= t.length) return false;
    if (level !== '+' && level !== t[i]) return false;
  }
  return f.length === t.length;
}

/**
 * What is wrong with a list of filters read from configuration or a token, naming the bad entry
 * by `path` (`acl.operator.publish[2]: "a/#/b" is not a valid filter: '#' must be last`); null
 * when it is an array of valid filters.
 */
export function filterListProblem(value: unknown, path: string): string | null {
  if (!Array.isArray(value)) {
    return `${path} must be an array of MQTT topic filters, e.g. ["twinbench/+/commands/#"]`;
  }
  for (let i = 0; i < value.length; i++) {
    const filter: unknown = value[i];
    if (typeof filter !== 'string') {
      return `${path}[${i}]: ${JSON.stringify(filter) ?? typeof filter} is not a string: write each filter as a string`;
    }
    const problem = topicFilterProblem(filter);
    if (problem !== null) {
      return `${path}[${i}]: ${JSON.stringify(filter)} is not a valid filter: ${problem}`;
    }
  }
  return null;
}
