import { COMMAND_BROKER_TIMEOUT_MS, type TwinCommand } from '../../src/protocol/relay.ts';
import { FOOTBRIDGE_COMMAND_TOPIC } from '../../src/protocol/telemetry.ts';
import type { MqttLike } from '../mqttClient.ts';

/** Where the relay sends the twin commands clients ask for. */
export interface CommandSink {
  /** Whether commands can be sent at all; the welcome message tells clients. */
  readonly enabled: boolean;
  /** Hands the command on. Resolves with a sentence for the user; rejects saying why not. */
  send(command: TwinCommand): Promise<string>;
}

export class CommandRejectedError extends Error {
  override readonly name = 'CommandRejectedError';
  constructor(
    readonly reason: 'broker_disconnected' | 'publish_failed' | 'invalid_for_twin' | 'timeout',
    message: string,
  ) {
    super(message);
  }
}

export interface MqttCommandSinkOptions {
  readonly client: MqttLike;
  /** Checks a command against the twin (e.g. member index in range); returns what is wrong. */
  readonly check?: (command: TwinCommand) => string | null;
  readonly topic?: string;
  readonly timeoutMs?: number;
}

/**
 * Publishes each command as JSON on FOOTBRIDGE_COMMAND_TOPIC at QoS 1 and resolves once the
 * broker has it; whoever runs the twin (the sensor fleet) applies it.
 */
export function createMqttCommandSink(options: MqttCommandSinkOptions): CommandSink {
  const { client, check } = options;
  const topic = options.topic ?? FOOTBRIDGE_COMMAND_TOPIC;
  const timeoutMs = options.timeoutMs ?? COMMAND_BROKER_TIMEOUT_MS;
  return {
    enabled: true,
    send(command) {
      const problem = check?.(command) ?? null;
      if (problem !== null)
        return Promise.reject(new CommandRejectedError('invalid_for_twin', problem));
      if (!client.connected) {
        return Promise.reject(
          new CommandRejectedError(
            'broker_disconnected',
            'the relay is not connected to the MQTT broker; the command was not sent. Try again when the broker is back.',
          ),
        );
      }
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new CommandRejectedError(
                'timeout',
                `the broker did not confirm the command within ${timeoutMs} ms`,
              ),
            ),
          timeoutMs,
        );
        client.publish(topic, JSON.stringify(command), { qos: 1 }, (error) => {
          clearTimeout(timer);
          if (error) {
            reject(
              new CommandRejectedError(
                'publish_failed',
                `the broker refused the command: ${error.message}`,
              ),
            );
          } else {
            resolve(`${command.kind} sent to the twin on ${topic}`);
          }
        });
      });
    },
  };
}

/** For relays without a broker to send commands to. */
export const DISABLED_COMMAND_SINK: CommandSink = {
  enabled: false,
  send: () =>
    Promise.reject(
      new CommandRejectedError('broker_disconnected', 'this relay does not accept twin commands'),
    ),
};
