/**
 * The registry's records (server/registry/db/) as the JSON of the HTTP API
 * (src/protocol/registry.ts): dates as ISO strings, bytes as base64, digests as `sha256:<hex>`.
 */
import type {
  AliasInfo,
  RegistryManifest,
  SigningKeyInfo,
  TestResult,
  VersionSummary as VersionSummaryJson,
} from '../../src/protocol/registry.ts';
import { toBase64 } from '../../src/shared/merkle/bytes.ts';
import { keyFingerprint } from '../../src/shared/signing/modelSignature.ts';
import type {
  AliasRecord,
  SigningKeyRecord,
  TestResultRecord,
  VersionSummary,
} from './db/index.ts';

export const prefixed = (hex: string) => `sha256:${hex}`;

export async function signingKeyJson(key: SigningKeyRecord): Promise<SigningKeyInfo> {
  const publicKey = toBase64(key.publicKey);
  return {
    publicKey,
    fingerprint: await keyFingerprint(publicKey),
    principal: key.principal,
    boundBy: key.boundBy,
    boundAt: key.boundAt.toISOString(),
  };
}

export function aliasJson(alias: AliasRecord): AliasInfo {
  return {
    alias: alias.alias,
    version: alias.version,
    movedBy: alias.movedBy,
    movedAt: alias.movedAt.toISOString(),
  };
}

export async function versionSummaryJson(version: VersionSummary): Promise<VersionSummaryJson> {
  return {
    model: version.model,
    version: version.version,
    contentDigest: prefixed(version.contentDigest),
    publishedBy: version.publishedBy,
    publishedAt: version.publishedAt.toISOString(),
    keyFingerprint: await keyFingerprint(toBase64(version.publicKey)),
    logIndex: version.runLogIndex,
  };
}

export function testResultJson(result: TestResultRecord): TestResult {
  return {
    suite: result.suite,
    name: result.name,
    status: result.status,
    durationMs: result.durationMs,
    message: result.message,
    recordedAt: result.recordedAt.toISOString(),
  };
}

/** The stored manifest text (canonical JSON the author signed) as the protocol's object. */
export function storedManifest(text: string): RegistryManifest {
  return JSON.parse(text) as RegistryManifest;
}
