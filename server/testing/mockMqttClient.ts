import { EventEmitter } from 'node:events';
import type { MqttLike } from '../mqttClient.ts';

export interface Published {
  readonly topic: string;
  readonly message: string;
  readonly qos: 0 | 1;
}

/** An MqttLike that records publishes and subscriptions; tests deliver messages by hand. */
export class MockMqttClient extends EventEmitter implements MqttLike {
  connected = false;
  readonly published: Published[] = [];
  readonly subscriptions: string[] = [];
  /** Set to make the next publish callbacks fail. */
  publishError: Error | undefined = undefined;

  publish(
    topic: string,
    message: string,
    options: { qos: 0 | 1 },
    callback?: (error?: Error) => void,
  ): this {
    this.published.push({ topic, message, qos: options.qos });
    if (callback) queueMicrotask(() => callback(this.publishError));
    return this;
  }

  subscribe(
    topic: string | string[],
    _options: { qos: 0 | 1 },
    callback?: (error: Error | null) => void,
  ): this {
    this.subscriptions.push(...(Array.isArray(topic) ? topic : [topic]));
    if (callback) queueMicrotask(() => callback(null));
    return this;
  }

  /** Plays the broker accepting the connection. */
  connect(): void {
    this.connected = true;
    this.emit('connect');
  }

  disconnect(): void {
    this.connected = false;
    this.emit('close');
  }

  deliver(topic: string, payload: string | Buffer): void {
    this.emit('message', topic, typeof payload === 'string' ? Buffer.from(payload) : payload);
  }
}
