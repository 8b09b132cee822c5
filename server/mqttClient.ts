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

export interface MqttConnectOptions {
  /** 4 for MQTT 3.1.1 (default), 5 for MQTT 5. */
  readonly protocolVersion?: 4 | 5;
  /** The first reconnect waits this long; each failed one doubles it up to `maxReconnectMs`. */
  readonly reconnectMs?: number;
  readonly maxReconnectMs?: number;
}

/** The wait before reconnect attempt `attempt` (0-based): doubling from `base`, capped. */
export function reconnectDelay(attempt: number, base: number, max: number): number {
  return Math.min(max, base * 2 ** Math.min(attempt, 30));
}

/**
 * Connects an mqtt.js client that reconnects on its own with a doubling back-off (1 s, 2 s, 4 s…
 * up to 30 s; back to 1 s once connected). Messages published while disconnected are not queued
 * (telemetry is only worth sending live).
 *
 * @example const { client, close } = connectMqtt('mqtt://127.0.0.1:11883', 'relay');
 */
export function connectMqtt(
  url: string,
  role: string,
  options: MqttConnectOptions = {},
): OwnedMqttClient {
  const base = options.reconnectMs ?? 1000;
  const max = options.maxReconnectMs ?? 30_000;
  const client = mqtt.connect(url, {
    clientId: `twinbench-${role}-${hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
    protocolVersion: options.protocolVersion ?? 4,
    reconnectPeriod: base,
    connectTimeout: 5000,
    queueQoSZero: false,
    // Modules subscribe again on each 'connect' themselves.
    resubscribe: false,
  });
  // mqtt.js reads reconnectPeriod each time it schedules a reconnect: grow it per attempt.
  let attempt = 0;
  client.on('reconnect', () => {
    attempt += 1;
    client.options.reconnectPeriod = reconnectDelay(attempt, base, max);
  });
  client.on('connect', () => {
    attempt = 0;
    client.options.reconnectPeriod = base;
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
