import type { TopicNarrowing } from './principal.ts';
import { filterListProblem } from './topicFilter.ts';

/**
 * The `topics` claim as a token carries it: one list of filters for both directions, or a list
 * per direction (a missing direction is not narrowed).
 */
export type TopicsClaim =
  | readonly string[]
  | { readonly subscribe?: readonly string[]; readonly publish?: readonly string[] };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads a `topics` claim; returns the narrowing, or a sentence saying what is wrong with it. */
export function parseTopicsClaim(value: unknown): TopicNarrowing | string {
  if (Array.isArray(value)) {
    const problem = filterListProblem(value, 'topics');
    if (problem !== null) return problem;
    const filters = value as string[];
    return { subscribe: filters, publish: filters };
  }
  if (!isRecord(value)) {
    return 'topics must be an array of MQTT topic filters, or an object with "subscribe" and/or "publish" arrays';
  }
  for (const key of Object.keys(value)) {
    if (key !== 'subscribe' && key !== 'publish') {
      return `topics.${key} is not allowed: use "subscribe" and "publish"`;
    }
  }
  const direction = (key: 'subscribe' | 'publish'): readonly string[] | null | string => {
    if (value[key] === undefined) return null;
    return filterListProblem(value[key], `topics.${key}`) ?? (value[key] as string[]);
  };
  const subscribe = direction('subscribe');
  if (typeof subscribe === 'string') return subscribe;
  const publish = direction('publish');
  if (typeof publish === 'string') return publish;
  return { subscribe, publish };
}
