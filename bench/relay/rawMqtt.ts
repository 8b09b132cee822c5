/**
 * The least an MQTT 3.1.1 publisher needs: CONNECT, wait for CONNACK, then QoS 0 PUBLISH packets
 * written straight into the socket, many per write. The load generator must not be what limits
 * a step on two cores, and mqtt.js spends microseconds per publish; the broker sees ordinary
 * QoS 0 publishes either way.
 */
import { connect, type Socket } from 'node:net';

/** MQTT's variable-length "remaining length" (1–4 bytes). */
function writeRemainingLength(out: Buffer, offset: number, length: number): number {
  let at = offset;
  let rest = length;
  do {
    let byte = rest % 128;
    rest = Math.floor(rest / 128);
    if (rest > 0) byte |= 0x80;
    out[at++] = byte;
  } while (rest > 0);
  return at - offset;
}

const remainingLengthBytes = (length: number) =>
  length < 128 ? 1 : length < 16_384 ? 2 : length < 2_097_152 ? 3 : 4;

function connectPacket(clientId: string): Buffer {
  const id = Buffer.from(clientId, 'utf8');
  // Variable header: "MQTT", level 4, flags (clean session), keep-alive 60 s.
  const body = Buffer.concat([
    Buffer.from([0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 0x02, 0, 60]),
    Buffer.from([id.length >> 8, id.length & 0xff]),
    id,
  ]);
  const out = Buffer.alloc(1 + remainingLengthBytes(body.length) + body.length);
  out[0] = 0x10;
  const n = writeRemainingLength(out, 1, body.length);
  body.copy(out, 1 + n);
  return out;
}

/** A QoS 0 PUBLISH packet's bytes before the payload, for a fixed topic and payload size. */
export function publishHeader(topic: string, payloadBytes: number): Buffer {
  const name = Buffer.from(topic, 'utf8');
  const remaining = 2 + name.length + payloadBytes;
  const out = Buffer.alloc(1 + remainingLengthBytes(remaining) + 2 + name.length);
  out[0] = 0x30;
  const n = writeRemainingLength(out, 1, remaining);
  out.writeUInt16BE(name.length, 1 + n);
  name.copy(out, 3 + n);
  return out;
}

export interface RawMqttConnection {
  readonly socket: Socket;
  close(): void;
}

/** Connects and waits for a CONNACK that accepts; pings every 30 s so the broker keeps it. */
export async function connectRawMqtt(
  host: string,
  port: number,
  clientId: string,
): Promise<RawMqttConnection> {
  const socket = connect({ host, port, noDelay: true });
  await new Promise<void>((resolve, reject) => {
    const fail = (error: Error) =>
      reject(
        new Error(`relay bench: MQTT publisher cannot reach ${host}:${port}: ${error.message}`),
      );
    socket.once('error', fail);
    socket.once('connect', () => socket.write(connectPacket(clientId)));
    socket.once('data', (data: Buffer) => {
      socket.off('error', fail);
      if (data[0] === 0x20 && data[3] === 0) resolve();
      else
        reject(
          new Error(
            `relay bench: the broker refused the MQTT connection (CONNACK ${data.toString('hex')})`,
          ),
        );
    });
  });
  socket.on('data', () => {}); // PINGRESPs
  socket.on('error', (error) => console.error(`relay bench: MQTT publisher: ${error.message}`));
  const ping = setInterval(() => socket.write(Buffer.from([0xc0, 0])), 30_000);
  ping.unref();
  return {
    socket,
    close() {
      clearInterval(ping);
      socket.end(Buffer.from([0xe0, 0]));
    },
  };
}
