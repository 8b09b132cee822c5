import { hostname } from 'node:os';
import mqtt from 'mqtt';

/**
 * The part of an mqtt.js client the server uses. Modules take this instead of `MqttClient`, so
 * tests drive them with a small mock (server/testing/mockMqttClient.ts).
 */
export interface MqttLike {
  readonly connected: boolean;
  publish(
    topic: string,
    message: string,
    options: { qos: 0 | 1 },
    callback?: (error?: Error) => void,
  ): unknown;
  subscribe(
    topic: string | string[],
    options: { qos: 0 | 1 },
    callback?: (error: Error | null) => void,
  ): unknown;
  on(event: 'connect' | 'close' | 'offline', listener: () => void): unknown;
  on(event: 'message', listener: (topic: string, payload: Buffer) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  off(event: 'connect' | 'close' | 'offline', listener: () => void): unknown;
  off(event: 'message', listener: (topic: string, payload: Buffer) => void): unknown;
  off(event: 'error', listener: (error: Error) => void): unknown;
}

export interface OwnedMqttClient {
  readonly client: MqttLike;
  /** Disconnects at once; QoS 0 messages still queued are dropped. */
  close(): Promise<void>;
}

/**
 * Connects an mqtt.js client that reconnects every second on its own. Messages published while
 * disconnected are not queued (telemetry is only worth sending live).
 *
 * @example const { client, close } = connectMqtt('mqtt://127.0.0.1:11883', 'relay');
 */
export function connectMqtt(url: string, role: string): OwnedMqttClient {
  const client = mqtt.connect(url, {
    clientId: `twinbench-${role}-${hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
    reconnectPeriod: 1000,
    connectTimeout: 5000,
    queueQoSZero: false,
    // Modules subscribe again on each 'connect' themselves.
    resubscribe: false,
  });
  // mqtt.js emits 'error' for refused connections; modules report it, this keeps it from throwing.
  client.on('error', () => {});
  return {
    client,
    close: async () => {
      await client.endAsync(true);
    },
  };
}
