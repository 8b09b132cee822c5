/**
 * Where each path's messages go and what the relay calls their samples, and the relay mapping
 * that turns one into the other. The relay reads only its own topics, so a mosquitto-ws step
 * costs it nothing; channel names carry the path so a client subscribes to one path only.
 */
import type { BenchPath } from './protocol.ts';

/** The broker topic a step of `path` with S samples per message publishes to. */
export function topicOf(path: BenchPath, samplesPerMsg: number): string {
  switch (path) {
    case 'mqtt':
      return `twinbench-bench/relay/s${samplesPerMsg}`;
    case 'mosquitto-ws':
      return `twinbench-bench/direct/s${samplesPerMsg}`;
    case 'kafka':
      return `twinbench.bench.s${samplesPerMsg}`;
  }
}

/** The relay channels a message of `path` with S samples feeds: `mqtt.s10[0]` … `mqtt.s10[9]`. */
export function channelsOf(path: 'mqtt' | 'kafka', samplesPerMsg: number): string[] {
  return Array.from({ length: samplesPerMsg }, (_, i) => `${path}.s${samplesPerMsg}[${i}]`);
}

/**
 * The relay's mapping file (docs/relay.md): per path and S, an `f64le` rule reading the leading
 * f64 publish time (ms) and S values into S channels.
 */
export function mappingYaml(samplesPerMsg: readonly number[]): string {
  const rules = (path: 'mqtt' | 'kafka') =>
    samplesPerMsg
      .map(
        (s) =>
          `      - topic: ${topicOf(path, s)}\n` +
          `        format: f64le\n` +
          `        payloadType: twinbench.bench.s${s}\n` +
          `        timestamp: f64ms\n` +
          `        channel: ${path}.s${s}\n` +
          `        count: ${s}\n`,
      )
      .join('');
  return (
    '# Written by bench/relay.bench.ts for one run.\n' +
    'version: 1\nsources:\n' +
    `  - name: mqtt\n    rules:\n${rules('mqtt')}` +
    `  - name: kafka\n    rules:\n${rules('kafka')}`
  );
}
