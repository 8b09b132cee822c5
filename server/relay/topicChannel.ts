/**
 * How MQTT topics map to channel names: a topic minus the static prefix of the filter that
 * matched it. With the filter `twinbench/footbridge/sensors/#` the topic
 * `twinbench/footbridge/sensors/disp.z.L50` is channel `disp.z.L50`.
 */

/** Whether an MQTT topic filter (with `+` and `#`) matches a topic. */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  // Wildcards do not match topics starting with '$' (MQTT 3.1.1 §4.7.2).
  if (topic.startsWith('$') && (f[0] === '#' || f[0] === '+')) return false;
  for (let i = 0; i < f.length; i++) {
    const level = f[i];
    if (level === '#') return true;
    if (i >= t.length) return false;
    if (level !== '+' && level !== t[i]) return false;
  }
  return f.length === t.length;
}

/** The levels of a filter before its first wildcard, e.g. `a/b/` for `a/b/#`. */
export function filterPrefix(filter: string): string {
  const levels = filter.split('/');
  const wildcard = levels.findIndex((level) => level === '+' || level === '#');
  if (wildcard < 0) return '';
  return levels
    .slice(0, wildcard)
    .map((level) => `${level}/`)
    .join('');
}

/** The channel a topic feeds, given the filters subscribed to. */
export function channelForTopic(filters: readonly string[], topic: string): string {
  const filter = filters.find((f) => topicMatches(f, topic));
  const hasWildcard = filter !== undefined && filter.split('/').some((l) => l === '+' || l === '#');
  if (hasWildcard) {
    const prefix = filterPrefix(filter);
    const rest = topic.startsWith(prefix) ? topic.slice(prefix.length) : '';
    if (rest !== '') return rest;
  }
  // A filter without wildcards names one topic: its last level is the channel.
  const levels = topic.split('/');
  return levels[levels.length - 1] || topic;
}
