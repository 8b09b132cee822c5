import type { LeafStore } from '../../runlog/index.ts';
import { appendRunLogEntry, runLogEntries, runLogLeafHashes, runLogSize } from './runLog.ts';
import type { SqlSession } from './sqlSession.ts';

/**
 * The run log's storage (`LeafStore`, server/runlog/leafStore.ts) in the registry's database:
 * `new RunLog({ store: registryLeafStore(db), … })`.
 */
export function registryLeafStore(db: SqlSession): LeafStore {
  return {
    append: async (leafHash, entry) => (await appendRunLogEntry(db, leafHash, entry)).index,
    size: () => runLogSize(db),
    leafHashes: (from, to) => runLogLeafHashes(db, from, to),
    entries: (from, to) => runLogEntries(db, from, to),
  };
}
