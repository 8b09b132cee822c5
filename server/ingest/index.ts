/**
 * The relay's message-to-channel mapping: configs (YAML or objects) compiled into mappers that
 * turn MQTT/Kafka messages into samples, with dead letters and counters. See protocol.ts for the
 * config format.
 */
export { compileMapping } from './mapper.ts';
export type { Mapper, MapperOptions, SourceMapper } from './mapper.ts';
export { validateMappingConfig } from './checkConfig.ts';
export { parseMappingYaml } from './parseMappingYaml.ts';
export { MappingConfigError, formatIssue } from './mappingConfigError.ts';
export type {
  MappingConfigErrorReason,
  MappingIssue,
  MappingIssueCode,
} from './mappingConfigError.ts';
export { createDeadLetterRing, DEFAULT_DEAD_LETTER_CAPACITY } from './deadLetterRing.ts';
export type { DeadLetterPage, DeadLetterRing } from './deadLetterRing.ts';
export { SourceMappingCounters } from './counters.ts';
export {
  DEFAULT_MAPPING_CONFIG,
  LEGACY_PAYLOAD_SCHEMA,
  LEGACY_PAYLOAD_TYPE,
  legacyMappingConfig,
} from './defaultMapping.ts';
export { mappingConfigSchema } from './configSchema.ts';
export type { MessageKey } from './ruleProgram.ts';
export * from './protocol.ts';
