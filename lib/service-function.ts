import { fileURLToPath } from 'node:url';
import { type Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** The repository root: esbuild resolves the entries and `package-lock.json` from here. */
const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The Lambda entries of the runtime, each exporting `handler`. */
export const ENTRIES = {
  request: 'lambda/entries/lambda.ts',
  background: 'lambda/entries/background.ts',
  queueResource: 'lambda/entries/queue-resource.ts',
} as const;

/** Which of {@link ENTRIES} a function runs. */
export type EntryName = keyof typeof ENTRIES;

/**
 * The bundle is ESM, but some dependencies still `require()` Node built-ins; esbuild's ESM output has no
 * `require`, so the bundle makes one.
 */
const REQUIRE_SHIM =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

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
 * the service grants more), its own log group with a retention, and the runtime entry bundled by esbuild.
 */
export class ServiceFunction extends Construct {
  readonly function: NodejsFunction;
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

    this.function = new NodejsFunction(this, 'Function', {
      entry: `${PROJECT_ROOT}${ENTRIES[props.entry]}`,
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        // Everything, @aws-sdk/* included: the asset pins the SDK versions the tests ran against, instead of
        // whatever version the Lambda runtime happens to carry.
        externalModules: [],
        mainFields: ['module', 'main'],
        banner: REQUIRE_SHIM,
        minify: true,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        sourcesContent: false,
      },
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'nodejs22.x on purpose: the bundle targets node22 and the tests run on Node 20 and 22; moving to a newer runtime is an upgrade of its own, with a test run',
    });
  }
}
