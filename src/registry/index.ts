/**
 * The model registry from the browser: typed calls for every route, publishing with the
 * author's key, loading verified models, and verifying run log entries. Reference:
 * docs/registry.md.
 */
export { openAuthorKeyStore, type AuthorKeyStore } from './authorKeyStore.ts';
export {
  fetchVerifiedModel,
  loadVerifiedModel,
  type FetchVerifiedModelOptions,
  type VerifiedModel,
} from './fetchVerifiedModel.ts';
export {
  createRegistryClient,
  type RegistryClient,
  type RegistryClientOptions,
  type RegistryToken,
} from './registryClient.ts';
export { RegistryClientError, type RegistryClientReason } from './registryClientError.ts';
export { signAndPublish, type PublishInput } from './signAndPublish.ts';
export {
  verifyRunLogEntry,
  verifyVersionLogged,
  type VerifiedRunLogEntry,
  type VerifyRunLogOptions,
} from './verifyRunLogEntry.ts';
export {
  generateAuthorKey,
  importAuthorKey,
  keyFingerprint,
  type AuthorKey,
} from '../shared/signing/index.ts';
