import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  Architecture,
  Code,
  type FunctionProps,
  Function as LambdaFunction,
  Runtime,
} from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** The Lambda entries of the runtime, each exporting `handler`. */
export const ENTRIES = {
  request: 'lambda/entries/lambda.ts',
  background: 'lambda/entries/background.ts',
  queueResource: 'lambda/entries/queue-resource.ts',
  dispatcher: 'lambda/entries/dispatcher.ts',
} as const;

/** Which of {@link ENTRIES} a function runs. */
export type EntryName = keyof typeof ENTRIES;

/**
 * The bundle is ESM, but some dependencies still `require()` Node built-ins; esbuild's ESM output has no
 * `require`, so the bundle makes one.
 */
const REQUIRE_SHIM =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/**
 * How every function bundle is built: an ESM `index.mjs` with its source map, everything bundled. `cdk synth`
 * in this repository passes these to NodejsFunction; `npm pack` (bin/build-package.ts) passes them to esbuild.
 */
export const BUNDLING = {
  format: 'esm',
  target: 'node22',
  // Everything, @aws-sdk/* included: the asset pins the SDK versions the tests ran against, instead of
  // whatever version the Lambda runtime happens to carry.
  external: [] as string[],
  mainFields: ['module', 'main'],
  banner: REQUIRE_SHIM,
  minify: true,
  sourcemap: true,
  sourcesContent: false,
} as const;

/**
 * Where the package keeps the bundles `npm pack` made, one directory per entry, next to its compiled
 * `index.mjs`/`index.cjs`. In this repository's `lib/` there is no such directory, so functions are bundled
 * from source.
 */
export const PREBUNDLED_DIRECTORY = 'lambda-assets';

export interface ServiceFunctionProps {
  /** The runtime entry it runs. */
  readonly entry: EntryName;
  readonly description: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  /** Environment variables beyond `NODE_OPTIONS`. */
  readonly environment: Record<string, string>;
  readonly logRetention: RetentionDays;
  /** What happens to the log group when the stack goes. */
  readonly logRemovalPolicy: RemovalPolicy;
}

/**
 * One of the service's functions: its own role (allowed to write its own log group and nothing else until
 * the service grants more), its own log group with a retention, and the runtime entry bundled by esbuild:
 * at `npm pack` when it runs from the installed package, at synth when it runs from this repository.
 */
export class ServiceFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });
    // Not AWSLambdaBasicExecutionRole: that one may create any log group and write to every one.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.description} (execution role)`,
    });
    this.logGroup.grantWrite(this.role);

    const functionProps = {
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
    };
    const prebundled = prebundledCode(props.entry);
    this.function = prebundled
      ? new LambdaFunction(this, 'Function', { ...functionProps, code: prebundled, handler: 'index.handler' })
      : bundleFromSource(this, props.entry, functionProps);
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'nodejs22.x on purpose: the bundle targets node22 and the tests run on Node 20 and 22; moving to a newer runtime is an upgrade of its own, with a test run',
    });
  }
}

/** The entry's bundle made by `npm pack`, when this module runs from the package; undefined in this repository. */
function prebundledCode(entry: EntryName): Code | undefined {
  const bundles = fileURLToPath(new URL(`./${PREBUNDLED_DIRECTORY}/`, import.meta.url));
  if (!existsSync(bundles)) return undefined;
  const directory = `${bundles}${entry}/`;
  if (!existsSync(`${directory}index.mjs`)) {
    // The package has no sources to bundle from: this is a package built without one of its entries.
    throw new Error(
      `dynamo-sqs: the package holds no bundle for its ${entry} function (${directory}index.mjs)`,
    );
  }
  return Code.fromAsset(directory);
}

/** The entry bundled at synth by NodejsFunction, from this repository's sources and lock file. */
function bundleFromSource(
  scope: Construct,
  entry: EntryName,
  functionProps: Omit<FunctionProps, 'code' | 'handler'>,
): NodejsFunction {
  // The repository root: esbuild resolves the entries and `package-lock.json` from here.
  const projectRoot = fileURLToPath(new URL('..', import.meta.url));
  return new NodejsFunction(scope, 'Function', {
    ...functionProps,
    entry: `${projectRoot}${ENTRIES[entry]}`,
    handler: 'handler',
    projectRoot,
    depsLockFilePath: `${projectRoot}package-lock.json`,
    bundling: {
      format: OutputFormat.ESM,
      target: BUNDLING.target,
      externalModules: BUNDLING.external,
      mainFields: [...BUNDLING.mainFields],
      banner: BUNDLING.banner,
      minify: BUNDLING.minify,
      sourceMap: BUNDLING.sourcemap,
      sourceMapMode: SourceMapMode.DEFAULT,
      sourcesContent: BUNDLING.sourcesContent,
    },
  });
}
