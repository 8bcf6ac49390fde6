/**
 * `npm start`: runs DynamoDB Local (unless given an endpoint), creates the table if missing and serves the
 * SQS API on http://127.0.0.1:9324. Ctrl-C or SIGTERM stops the HTTP server, then DynamoDB Local.
 */
import { mkdir, readFile } from 'node:fs/promises';
import type { StaticAccessKey } from '../lambda/auth/authenticator.js';
import { parseStaticKeys, StaticKeysError } from '../lambda/auth/static-keys.js';
import { type Config, DEFAULT_TABLE_NAME } from '../lambda/config.js';
import { LocalConsumerHost } from '../lambda/consumers/local-host.js';
import { createService, type Service } from '../lambda/create-service.js';
import { type RunningServer, startNodeServer } from '../lambda/entries/node-server.js';
import { chooseDynamoDbCredentials } from './dynamodb-credentials.js';
import {
  checkJava,
  DUMMY_CREDENTIALS,
  type DynamoDbLocal,
  DynamoDbLocalStartError,
  describeExit,
  type JavaExit,
  MIN_JAVA_MAJOR,
  startDynamoDbLocal,
} from './dynamodb-local.js';
import { DEFAULT_KEY_FILE, loadKeyEncryptionKey } from './key-encryption-key.js';
import { type LoadedConsumer, loadConsumerHandlers, startConsumers } from './local-consumers.js';
import { removeLocalEndpoint, writeLocalEndpoint } from './local-endpoint.js';
import {
  DEFAULT_DATA_DIR,
  HELP,
  type LocalAuthOptions,
  type LocalOptions,
  parseLocalOptions,
  UsageError,
} from './local-options.js';
import { assertPortFree, describeListenError } from './port.js';
import { applyQueuesConfig, applyTopicsConfig, readQueuesConfigFile } from './queues-config-file.js';
import { StartupError } from './startup-error.js';

// The SDK warns on Node 20 about SDK releases after January 2027; the versions pinned here support Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

let dynamo: DynamoDbLocal | undefined;
/** The data directory whose endpoint record this process wrote. */
let dataDirWithEndpoint: string | undefined;
let service: Service | undefined;
let server: RunningServer | undefined;
let consumerHost: LocalConsumerHost | undefined;
let stopping = false;

// Whatever ends this process, Java does not outlive it: 'exit' runs even after an uncaught error.
process.on('exit', () => dynamo?.killNow());
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => void onSignal(signal));
}

try {
  await main();
} catch (error) {
  if (!stopping) {
    report(error);
    await stopAll();
    process.exit(1);
  }
}

async function main(): Promise<void> {
  const options = parseLocalOptions(process.argv.slice(2), process.env);
  if (options.help) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  for (const warning of options.warnings) console.warn(`warning: ${warning}`);
  // A bad queues config (or keys file) stops the start before Java runs or any queue changes.
  const queuesConfig = options.queuesConfig ? await readQueuesConfigFile(options.queuesConfig) : undefined;
  const auth = options.auth ? await prepareAuth(options.auth) : undefined;
  const consumers: LoadedConsumer[] = queuesConfig
    ? await loadConsumerHandlers(queuesConfig.path, queuesConfig.consumers, options.config)
    : [];

  // Fail before spending seconds on a JVM when the SQS port is already taken.
  await assertPortFree(options.host, options.port);
  const config = { ...(await prepareDynamoDb(options)), ...(auth ? { auth: auth.config } : {}) };
  if (stopping) return;

  let created: Service;
  try {
    // Consumers are woken by the engine's activity: a send, a move task, a dead-letter move.
    if (consumers.length > 0) consumerHost = new LocalConsumerHost();
    created = await createService(config, {
      ensureTable: true,
      ...(consumerHost ? { metrics: consumerHost } : {}),
    });
  } catch (error) {
    throw new StartupError(
      `could not prepare table '${config.tableName}' at ${config.dynamodbEndpoint ?? 'the regional endpoint'}: ${errorText(error)}`,
    );
  }
  service = created;
  if (stopping) return;

  // Before the server listens, so no client sees a queue the config has not finished.
  if (queuesConfig) {
    const report = await applyQueuesConfig(created.engine, queuesConfig);
    console.log(`${report.join('\n')}\n`);
    const topicsReport = await applyTopicsConfig(created.topics.engine, created.engine, queuesConfig);
    if (topicsReport.length > 0) console.log(`${topicsReport.join('\n')}\n`);
    if (stopping) return;
    if (consumerHost) {
      const started = await startConsumers(consumerHost, created.engine, queuesConfig.path, consumers);
      console.log(`${started.join('\n')}\n`);
    }
  }

  try {
    server = await startNodeServer({ handler: created.handler, host: options.host, port: options.port });
  } catch (error) {
    throw new StartupError(describeListenError(error, options.host, options.port));
  }
  printBanner(options, config, server, auth?.notes ?? []);
  // After the banner, so the first invocations' log lines follow it.
  consumerHost?.start();
  if (dataDirWithEndpoint !== undefined && dynamo !== undefined) {
    await writeLocalEndpoint(dataDirWithEndpoint, {
      endpoint: dynamo.endpoint,
      pid: process.pid,
      sqsEndpoint: shownUrl(options, server),
    });
  }
}

/** The auth config of `--auth`: the local key-encryption key (created on first use) and the dev keys file. */
async function prepareAuth(
  options: LocalAuthOptions,
): Promise<{ config: NonNullable<Config['auth']>; notes: string[] }> {
  const staticKeys = options.keysFile ? await readKeysFile(options.keysFile) : [];
  const { key, created } = await loadKeyEncryptionKey(options.keyFile);
  const notes = created ? [`Created the key-encryption key ${options.keyFile} (mode 0600).`] : [];
  if (options.keysFile)
    notes.push(`Dev keys from ${options.keysFile}: ${staticKeys.map((k) => k.accessKeyId).join(', ')}`);
  return { config: { cipher: { kind: 'local', key }, staticKeys }, notes };
}

async function readKeysFile(path: string): Promise<StaticAccessKey[]> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new StartupError(`cannot read the keys file ${path}: ${reason}`);
  }
  try {
    return parseStaticKeys(json);
  } catch (error) {
    if (!(error instanceof StaticKeysError)) throw error;
    throw new StartupError(
      `the keys file ${path} is invalid:\n${error.problems.map((problem) => `  ${problem}`).join('\n')}`,
    );
  }
}

/** Starts DynamoDB Local when needed and returns the config that points at it. */
async function prepareDynamoDb(options: LocalOptions): Promise<Config> {
  const target = options.dynamodb;
  if (target.kind === 'external') {
    const dynamodbCredentials = await chooseDynamoDbCredentials(target.endpoint, options.config.region);
    return { ...options.config, dynamodbCredentials };
  }

  const java = await checkJava();
  if (!java.ok) {
    throw new StartupError(
      `${java.problem}.\n` +
        `DynamoDB Local, which \`npm start\` runs for you, needs Java ${MIN_JAVA_MAJOR} or newer. Either:\n` +
        '  - install it, e.g. on Debian/Ubuntu: sudo apt-get install openjdk-17-jre-headless\n' +
        '    (macOS: brew install openjdk@17), then run `npm start` again; or\n' +
        '  - point at a DynamoDB you already run: npm start -- --dynamodb-endpoint http://localhost:8000',
    );
  }
  if (target.dataDir) await mkdir(target.dataDir, { recursive: true });

  try {
    dynamo = await startDynamoDbLocal({ dataDir: target.dataDir, port: target.port });
  } catch (error) {
    if (error instanceof DynamoDbLocalStartError) {
      throw new StartupError(`${error.message}. It printed:\n${indent(error.output) || '  (nothing)'}`);
    }
    throw error;
  }
  void dynamo.exited.then((exit) => onDynamoDbExit(exit));
  // `npm run keys` finds this DynamoDB Local through the data directory instead of starting one on the same files.
  if (target.dataDir) {
    dataDirWithEndpoint = target.dataDir;
    await writeLocalEndpoint(target.dataDir, { endpoint: dynamo.endpoint, pid: process.pid });
  }
  return { ...options.config, dynamodbEndpoint: dynamo.endpoint, dynamodbCredentials: DUMMY_CREDENTIALS };
}

function printBanner(
  options: LocalOptions,
  config: Config,
  running: RunningServer,
  authNotes: string[],
): void {
  const wildcard = isWildcard(options);
  const url = shownUrl(options, running);
  const storage =
    options.dynamodb.kind === 'external'
      ? `DynamoDB at ${config.dynamodbEndpoint}`
      : `DynamoDB Local on ${dynamo?.endpoint}, ${options.dynamodb.dataDir ? `data in ${options.dynamodb.dataDir}` : 'in memory (lost at exit)'}`;
  console.log(
    [
      `SQS endpoint: ${url}${wildcard ? ` (listening on ${running.url})` : ''}`,
      `Storage:      ${storage}, table '${config.tableName}'`,
      `Queue URLs:   ${url}/${config.accountId}/<queue name>  (region ${config.region})`,
      `Console:      ${url}/console`,
      ...authLines(options, config, authNotes),
      '',
      `  aws --endpoint-url ${url} sqs create-queue --queue-name demo`,
      '',
      'Press Ctrl-C to stop.',
    ].join('\n'),
  );
}

function authLines(options: LocalOptions, config: Config, notes: string[]): string[] {
  if (!config.auth) {
    return [
      'Auth:         off: any credentials work (`npm start -- --auth` requires signed requests)',
      '',
      'Try it (with no AWS config, export AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x',
      'AWS_DEFAULT_REGION=us-east-1 first):',
    ];
  }
  // The flags that point `npm run keys` at this table, beyond its defaults.
  const target = options.dynamodb;
  const flags = [
    ...(target.kind === 'local' && target.dataDir !== undefined && target.dataDir !== DEFAULT_DATA_DIR
      ? [`--data-dir ${target.dataDir}`]
      : []),
    ...(target.kind === 'external' || target.dataDir === undefined
      ? [`--dynamodb-endpoint ${config.dynamodbEndpoint}`]
      : []),
    ...(config.tableName !== DEFAULT_TABLE_NAME ? [`--table ${config.tableName}`] : []),
    ...(options.auth && options.auth.keyFile !== DEFAULT_KEY_FILE
      ? [`--key-file ${options.auth.keyFile}`]
      : []),
  ];
  const keysFile = options.auth?.keysFile ? ' and the --keys file' : '';
  return [
    `Auth:         on: SigV4 with the keys in table '${config.tableName}'${keysFile}`,
    ...notes.map((note) => `              ${note}`),
    '',
    'Try it with a key of your own (the command prints its id and secret, and how to use them):',
    `  npm run keys -- create --name me --allow '*:*'${flags.map((flag) => ` ${flag}`).join('')}`,
  ];
}

async function onSignal(signal: NodeJS.Signals): Promise<void> {
  if (stopping) {
    // A second Ctrl-C while shutting down: do not wait for anything.
    dynamo?.killNow();
    process.exit(130);
  }
  stopping = true;
  console.log(`\n${signal === 'SIGINT' ? 'Ctrl-C' : signal}: stopping...`);
  await stopAll();
  process.exit(0);
}

async function onDynamoDbExit(exit: JavaExit): Promise<void> {
  // Ctrl-C in a terminal reaches Java too (same process group); give our own handler a moment to run first.
  await new Promise((resolve) => setTimeout(resolve, 250));
  if (stopping) return;
  stopping = true;
  console.error(`error: DynamoDB Local stopped unexpectedly (${describeExit(exit)}). It printed:`);
  console.error(indent(dynamo?.output() ?? '') || '  (nothing)');
  await stopAll();
  process.exit(1);
}

/** Stops the HTTP server, then the service (move tasks, DynamoDB client), then Java; each step bounded in time. */
async function stopAll(): Promise<void> {
  const closing = server?.close();
  if (closing) await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
  const stoppingConsumers = consumerHost?.stop();
  if (stoppingConsumers)
    await Promise.race([stoppingConsumers, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
  const closingService = service?.close();
  if (closingService)
    await Promise.race([closingService, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
  if (dataDirWithEndpoint) await removeLocalEndpoint(dataDirWithEndpoint).catch(() => undefined);
  await dynamo?.stop();
}

function report(error: unknown): void {
  if (error instanceof UsageError) {
    console.error(`error: ${error.message}\nRun \`npm start -- --help\` for the options.`);
  } else if (error instanceof StartupError) {
    console.error(`error: ${error.message}`);
  } else {
    console.error('error: unexpected failure while starting:', error);
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function indent(text: string): string {
  return text
    .trimEnd()
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => `  ${line}`)
    .join('\n');
}

function isWildcard(options: LocalOptions): boolean {
  return ['0.0.0.0', '::', '[::]'].includes(options.host);
}

/** The SQS endpoint as a client on this machine calls it. */
function shownUrl(options: LocalOptions, running: RunningServer): string {
  return isWildcard(options) ? `http://localhost:${running.port}` : running.url;
}
