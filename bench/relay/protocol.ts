/**
 * What the relay bench's coordinator and its worker processes (publisher, receiving clients)
 * say to each other over the Node IPC channel. Plain data only. Every time is a wall-clock
 * reading in ms since the Unix epoch with sub-ms precision (`wallMs()`), the same clock in every
 * process on the machine, so a sample's latency is its receive time minus its publish time.
 */

/** The three ways from a publisher to a browser-like client that the bench compares. */
export type BenchPath = 'mqtt' | 'kafka' | 'mosquitto-ws';

/** How a relay client reads: Foxglove + twinbench.sampleBatch, or the legacy JSON protocol. */
export type RelayProtocol = 'foxglove' | 'json';

/** `performance.timeOrigin + performance.now()`: wall ms with the monotonic clock's precision. */
export const wallMs = (): number => performance.timeOrigin + performance.now();

/** One measured step: when the publisher runs and which part of it is measured. */
export interface StepTimes {
  /** Publisher starts; the time from here to windowStart is warm-up. */
  readonly startAt: number;
  readonly windowStart: number;
  /** Publisher stops; clients stop counting delivered samples and CPU. */
  readonly windowEnd: number;
  /** Clients keep counting samples published inside the window until then (loss check). */
  readonly graceEnd: number;
}

export interface PublishPlan {
  readonly kind: 'mqtt' | 'kafka';
  /** MQTT topic or Kafka topic. */
  readonly topic: string;
  /** Offered load in samples/s; messages/s is this divided by samplesPerMsg. */
  readonly samplesPerS: number;
  readonly samplesPerMsg: number;
  readonly times: StepTimes;
}

export interface PublishResult {
  readonly messages: number;
  readonly samples: number;
  /** Samples whose publish time lies in [windowStart, windowEnd]. */
  readonly samplesInWindow: number;
  /** Achieved rate over the whole run, samples/s. */
  readonly achievedPerS: number;
  /** Achieved rate inside the window, samples/s. */
  readonly achievedInWindowPerS: number;
}

/** How a group of clients connects and what it subscribes to. */
export type ReceiverPlan =
  | {
      readonly kind: 'relay';
      readonly protocol: RelayProtocol | 'auto';
      /** `ws://127.0.0.1:PORT/ws` */
      readonly url: string;
      /** Channel names to receive (`mqtt.s10[0]` …). */
      readonly channels: readonly string[];
    }
  | {
      readonly kind: 'mqtt-ws';
      /** Mosquitto's websockets listener, `ws://127.0.0.1:18831`. */
      readonly url: string;
      readonly topic: string;
    };

export interface ClientPlan {
  readonly receiver: ReceiverPlan;
  readonly clients: number;
  readonly samplesPerMsg: number;
}

/** One client process's figures for a step; the coordinator adds those of several. */
export interface ClientResult {
  readonly clients: number;
  /** What the clients ended up speaking (`mqtt` for mqtt.js; `unknown` if no frame came). */
  readonly protocol: RelayProtocol | 'mqtt' | 'unknown';
  /** Samples received between the two readings that bound the window (all clients). */
  readonly windowSamples: number;
  readonly windowMs: number;
  /** CPU (user + system) this process spent between the same two readings, ms. */
  readonly cpuMs: number;
  /** Samples published inside the window and received by graceEnd (all clients). */
  readonly receivedOfWindow: number;
  /** Latency histogram of the samples received in the window (LatencyHistogram.toJSON). */
  readonly latency: readonly (readonly [number, number])[];
  /** Publish → relay receive and relay receive → client receive, one sample per frame. */
  readonly brokerLeg: readonly (readonly [number, number])[];
  readonly relayLeg: readonly (readonly [number, number])[];
  /** Samples the relay reported dropping for these clients (JSON stats / Foxglove status). */
  readonly relayDropped: number;
  /** Clients that were not connected and subscribed at the end of the window. */
  readonly notConnected: number;
  readonly problems: readonly string[];
}

/**
 * Requests; each gets one `done` or `failed` with its id. A client worker connects (`connect`:
 * done once every client is connected and has subscribed), measures one step on those
 * connections (`receive`: done with a ClientResult after times.graceEnd) and then closes them.
 */
export type ToWorker =
  | { readonly type: 'publish'; readonly id: number; readonly plan: PublishPlan }
  | { readonly type: 'connect'; readonly id: number; readonly plan: ClientPlan }
  | { readonly type: 'receive'; readonly id: number; readonly times: StepTimes };

export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly id: number; readonly result: unknown }
  | { readonly type: 'failed'; readonly id: number; readonly error: string };

/** Coordinator → the relay process (relayChild.ts): profile the relay's main thread. */
export type ToRelay =
  { readonly type: 'profile-start' } | { readonly type: 'profile-stop'; readonly path: string };

export type FromRelay = { readonly type: 'profiled'; readonly path: string };
