// The process `npm start` runs: reads the configuration from the environment, starts Twinbench
// and shuts it down on Ctrl-C / SIGTERM.
import { startTwinbench } from './app.ts';
import { loadConfig } from './config.ts';
import { mergeConfigSources } from './configSources.ts';
import { ConfigError, StartupError, errorMessage } from './errors.ts';
import { AuthConfigError } from './auth/authErrors.ts';
import { createConsoleLogger, createPinoLogger } from './logger.ts';
import { FOOTBRIDGE_TOPIC_PREFIX } from '../src/protocol/telemetry.ts';

/** How long a clean shutdown may take before the process exits anyway. */
const SHUTDOWN_TIMEOUT_MS = 10_000;
/** Signals this soon after the first are copies relayed by npm/tsx, not a second Ctrl-C. */
const SIGNAL_ECHO_MS = 200;

async function main(): Promise<void> {
  let app;
  try {
    const config = loadConfig(mergeConfigSources(process.argv.slice(2), process.env));
    const logger = config.logFormat === 'json' ? createPinoLogger() : createConsoleLogger();
    app = await startTwinbench(config, logger);
  } catch (error) {
    if (
      error instanceof ConfigError ||
      error instanceof StartupError ||
      error instanceof AuthConfigError
    ) {
      console.error(`Twinbench could not start: ${error.message}`);
    } else {
      console.error('Twinbench could not start:', error);
    }
    process.exit(1);
  }

  console.info(`Twinbench is running at ${app.url}`);
  if (app.embeddedBroker) {
    console.info(
      `Embedded MQTT broker at ${app.mqttUrl} (telemetry topics ${FOOTBRIDGE_TOPIC_PREFIX}/<channel>)`,
    );
  } else {
    console.info(`Reading telemetry from the MQTT broker at ${app.mqttUrl}`);
  }

  let stoppingSince: number | undefined;
  const stop = (signal: NodeJS.Signals) => {
    if (stoppingSince !== undefined) {
      // npm and tsx relay the terminal's signal too: a copy within moments is not a second Ctrl-C.
      if (Date.now() - stoppingSince < SIGNAL_ECHO_MS) return;
      console.error(`Twinbench: ${signal} again, exiting without finishing the shutdown`);
      process.exit(130);
    }
    stoppingSince = Date.now();
    console.info(`Twinbench: ${signal} received, shutting down (press Ctrl-C again to force)`);
    const force = setTimeout(() => {
      console.error(
        `Twinbench: shutdown took over ${SHUTDOWN_TIMEOUT_MS / 1000} s, exiting anyway`,
      );
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    force.unref();
    app.close().then(
      () => {
        console.info('Twinbench stopped.');
        process.exit(0);
      },
      (error: unknown) => {
        console.error(`Twinbench: error during shutdown: ${errorMessage(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

await main();
