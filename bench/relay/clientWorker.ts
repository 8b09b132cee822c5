/**
 * Worker process: C receiving clients of one path. `connect` opens them and waits until every
 * one has subscribed; `receive` measures one step (delivered samples, latency, this process's
 * CPU) and closes them. Several such processes share a fan-out step.
 */
import {
  wallMs,
  type ClientPlan,
  type ClientResult,
  type StepTimes,
  type ToWorker,
} from './protocol.ts';
import { openReceiver, type Receiver } from './receivers.ts';
import { Tally } from './tally.ts';
import { serveRequests, sleep } from './workerSide.ts';

const CONNECT_TIMEOUT_MS = 30_000;

interface Group {
  readonly plan: ClientPlan;
  readonly receivers: Receiver[];
  readonly tally: Tally;
  readonly problems: string[];
}

let group: Group | undefined;

async function closeGroup(): Promise<void> {
  const closing = group;
  group = undefined;
  await Promise.all(closing?.receivers.map((r) => r.close()) ?? []);
}

async function connect(plan: ClientPlan): Promise<void> {
  await closeGroup();
  const tally = new Tally();
  const problems: string[] = [];
  const receivers = Array.from({ length: plan.clients }, (_, i) =>
    openReceiver(plan, i, tally, problems),
  );
  group = { plan, receivers, tally, problems };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `relay bench: ${receivers.filter((r) => !r.connected).length} of ${plan.clients} clients not connected and subscribed after ${CONNECT_TIMEOUT_MS / 1000} s`,
          ),
        ),
      CONNECT_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([Promise.all(receivers.map((r) => r.ready)), timeout]);
  } catch (error) {
    await closeGroup();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

async function receive(times: StepTimes): Promise<ClientResult> {
  if (group === undefined) throw new Error('relay bench: receive before connect');
  const { plan, receivers, tally, problems } = group;
  await tally.measure(times);
  const notConnected = receivers.filter((r) => !r.connected).length;
  await sleep(times.graceEnd - wallMs());
  const window = tally.window();
  const result: ClientResult = {
    clients: plan.clients,
    protocol: receivers[0]?.protocol ?? 'unknown',
    windowSamples: window.samples,
    windowMs: window.ms,
    cpuMs: window.cpuMs,
    receivedOfWindow: tally.receivedOfWindow,
    latency: tally.latency.toJSON(),
    brokerLeg: tally.brokerLeg.toJSON(),
    relayLeg: tally.relayLeg.toJSON(),
    relayDropped: tally.relayDropped,
    notConnected,
    problems,
  };
  await closeGroup();
  return result;
}

serveRequests(async (request: ToWorker) => {
  switch (request.type) {
    case 'connect':
      return connect(request.plan);
    case 'receive':
      return receive(request.times);
    case 'publish':
      throw new Error('client worker: cannot publish');
    default: {
      const unhandled: never = request;
      throw new Error(`client worker: unknown request ${JSON.stringify(unhandled)}`);
    }
  }
});
