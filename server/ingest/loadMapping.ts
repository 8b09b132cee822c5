import { readFile } from 'node:fs/promises';
import { StartupError, errorMessage } from '../errors.ts';
import {
  MappingConfigError,
  compileMapping,
  legacyMappingConfig,
  parseMappingYaml,
  type Mapper,
  type MapperOptions,
} from './index.ts';

export interface LoadedMapping {
  readonly mapper: Mapper;
  /** The topic filters the MQTT source subscribes to: its rules' filters. */
  readonly mqttFilters: readonly string[];
}

/**
 * The relay's mapping: the file TWINBENCH_MAPPING names, or the built-in `{"t","v"}` mapping
 * over TWINBENCH_MQTT_TOPICS. A file that cannot be read or is wrong stops the start with a
 * StartupError listing each problem with its YAML path and line.
 */
export async function loadMapping(
  config: {
    readonly mappingFile: string | null;
    readonly mqttTopics: readonly string[];
    /** Whether a Kafka source runs, which then needs a "kafka" source in the file. */
    readonly kafka: unknown;
  },
  options: MapperOptions = {},
): Promise<LoadedMapping> {
  const file = config.mappingFile;
  if (file === null) {
    const mapper = compileMapping(legacyMappingConfig({ mqttFilters: config.mqttTopics }), options);
    return { mapper, mqttFilters: config.mqttTopics };
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new StartupError(
      'invalid_mapping',
      `TWINBENCH_MAPPING=${file} cannot be read (${errorMessage(error)}): give the path of a mapping YAML file, or unset it for the built-in mapping.`,
      { cause: error },
    );
  }
  let mapper: Mapper;
  let mqttFilters: string[];
  try {
    const parsed = parseMappingYaml(text);
    mapper = compileMapping(parsed, options);
    const mqtt = parsed.sources.find((source) => source.name === 'mqtt');
    mqttFilters = [...new Set((mqtt?.rules ?? []).map((rule) => rule.topic))];
  } catch (error) {
    if (error instanceof MappingConfigError)
      throw new StartupError('invalid_mapping', `${file}: ${error.message}`, { cause: error });
    throw error;
  }
  for (const name of config.kafka === null ? ['mqtt'] : ['mqtt', 'kafka'])
    if (!mapper.sourceNames.includes(name))
      throw new StartupError(
        'invalid_mapping',
        `${file}: no source named "${name}": the relay reads MQTT and Kafka through sources named "mqtt" and "kafka".`,
      );
  if (mqttFilters.length === 0)
    throw new StartupError(
      'invalid_mapping',
      `${file}: source "mqtt" has no rules: give at least one (its topic filters are what the relay subscribes to).`,
    );
  return { mapper, mqttFilters };
}
