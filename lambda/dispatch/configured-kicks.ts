import type { Config } from '../config.js';
import { CapacityMeter } from '../storage/dynamo/capacity-meter.js';
import type { DispatchKick } from './consumer-registration.js';
import { ConsumerRegistry } from './consumer-registry.js';
import { createDispatchClients, type DispatchClients } from './dispatch-clients.js';
import { DispatcherKicks } from './dispatcher-kicks.js';
import { sendKick } from './lambda-invoker.js';

/** A container's kicks of the dispatcher, with the clients and registry behind them. */
export interface ConfiguredKicks {
  readonly kicks: DispatcherKicks;
  readonly registry: ConsumerRegistry;
  readonly clients: DispatchClients;
}

/**
 * Kicks of the configured dispatcher (`DISPATCHER_FUNCTION_NAME`), or undefined without one: then nothing reads
 * the registry and a send costs what it did before consumers existed.
 */
export function configuredKicks(
  config: Config,
  onError: (error: unknown, kick: DispatchKick) => void,
): ConfiguredKicks | undefined {
  const functionName = config.dispatcherFunctionName;
  if (functionName === undefined) return undefined;
  const clients = createDispatchClients(config, new CapacityMeter());
  const registry = new ConsumerRegistry(clients.consumers);
  const kicks = new DispatcherKicks({
    registry,
    kick: (kick) => sendKick(clients.lambda, functionName, kick),
    onError,
  });
  return { kicks, registry, clients };
}
