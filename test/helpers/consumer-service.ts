/**
 * The service with local consumers, in process: a LocalConsumerHost listening to the engine's activity (as
 * `npm start` wires it), on its own table, optionally behind a fault proxy, with an SDK client over HTTP.
 */
import { randomUUID } from 'node:crypto';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { LocalConsumerHost } from '../../lambda/consumers/local-host.js';
import type { InvocationReport, Invoker } from '../../lambda/consumers/ports.js';
import { type ConsumerSettingsInput, validateConsumerSettings } from '../../lambda/consumers/settings.js';
import { createService, type Service } from '../../lambda/create-service.js';
import { combineActivity, NO_ACTIVITY } from '../../lambda/engine/activity.js';
import { startNodeServer } from '../../lambda/entries/node-server.js';
import { DUMMY_CREDENTIALS } from './dynamo-local.js';
import { type FaultProxy, startFaultProxy } from './fault-proxy.js';

export interface ConsumerService {
  readonly url: string;
  readonly sqs: SQSClient;
  readonly service: Service;
  readonly host: LocalConsumerHost;
  /** Present when started with `faults: true`. */
  readonly proxy?: FaultProxy;
  /** Every invocation so far, in the order they were settled. */
  readonly invocations: InvocationReport[];
  /** ReceiveMessage calls so far on `queueName` (the dispatcher's and any client's). */
  receivesOf(queueName: string): number;
  /** Creates a queue and returns its URL. */
  createQueue(name: string, attributes?: Record<string, string>): Promise<string>;
  /** Adds a consumer over the host; settings are checked as the queues file's are. */
  consume(settings: ConsumerSettingsInput, invoker: Invoker): void;
  close(): Promise<void>;
}

export async function startConsumerService(options: {
  dynamodbEndpoint: string;
  faults?: boolean;
}): Promise<ConsumerService> {
  const proxy = options.faults ? await startFaultProxy({ target: options.dynamodbEndpoint }) : undefined;
  const invocations: InvocationReport[] = [];
  const host = new LocalConsumerHost({
    log: { info: () => {}, error: (line) => console.error(line) },
    onInvocation: (report) => invocations.push(report),
  });
  const receives = new Map<string, number>();
  const counter = {
    ...NO_ACTIVITY,
    messagesReceived: (queueName: string) => {
      receives.set(queueName, (receives.get(queueName) ?? 0) + 1);
    },
  };
  const service = await createService(
    {
      tableName: `consumers-${randomUUID().slice(0, 8)}`,
      dynamodbEndpoint: proxy?.endpoint ?? options.dynamodbEndpoint,
      accountId: '000000000000',
      region: 'us-east-1',
      dynamodbCredentials: DUMMY_CREDENTIALS,
    },
    { ensureTable: true, metrics: combineActivity(host, counter) },
  );
  const running = await startNodeServer({ handler: service.handler, port: 0 });
  const sqs = new SQSClient({
    endpoint: running.url,
    region: 'us-east-1',
    credentials: DUMMY_CREDENTIALS,
    maxAttempts: 6,
  });
  host.start();
  return {
    url: running.url,
    sqs,
    service,
    host,
    ...(proxy ? { proxy } : {}),
    invocations,
    receivesOf: (queueName) => receives.get(queueName) ?? 0,
    createQueue: async (name, attributes = {}) => {
      const created = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
      return created.QueueUrl as string;
    },
    consume: (input, invoker) => {
      const validated = validateConsumerSettings(input, input.queueName.endsWith('.fifo'));
      if ('issues' in validated) throw new Error(validated.issues.map((issue) => issue.problem).join('; '));
      host.attach(service.engine, [{ label: 'test', settings: validated.settings, invoker }]);
    },
    close: async () => {
      await host.stop();
      await running.close();
      sqs.destroy();
      await service.close();
      await proxy?.stop();
    },
  };
}
