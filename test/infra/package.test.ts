import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueServiceStack } from '../../lib/index.js';
import { ENTRIES, PREBUNDLED_DIRECTORY } from '../../lib/service-function.js';
import type { CloudFormationTemplate } from '../helpers/bundled-app.js';
import { appWithoutBundling } from './synth.js';

/**
 * The package as another CDK app gets it: `npm pack` here (prepack builds dist/), `npm install` of the tarball in
 * an app outside this repository, then that app's own synth. The app is what `cdk init app --language
 * typescript` makes today (CommonJS, run by tsx, type-checked by tsc with NodeNext), plus an ESM module of the
 * same app; it has aws-cdk-lib and constructs of its own (linked from this repository's node_modules: the test
 * needs no registry) and no esbuild.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

/** prepack bundles every Lambda entry and compiles lib twice, on two cores shared with other test files. */
const PACKAGE_TIMEOUT_MS = 300_000;

/** The packages the app has of its own before it installs ours. */
const APP_PACKAGES = ['aws-cdk-lib', 'constructs', 'cdk-nag', '@types/node'];

/**
 * bin/app.ts of the app, CommonJS as `cdk init` makes it: the service, a queue with its dead-letter queue, and a
 * function that consumes the queue.
 */
const COMMONJS_APP = `import { App, Duration, Stack } from 'aws-cdk-lib';
import { Code, Function, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Queue, QueueEventSource, QueueService } from 'dynamo-sqs';

const app = new App();
const stack = new Stack(app, 'Orders');
const service = new QueueService(stack, 'Queues');
const deadLetters = new Queue(stack, 'OrdersDeadLetters', { service, queueName: 'orders-dlq' });
const orders = new Queue(stack, 'OrdersQueue', {
  service,
  queueName: 'orders',
  visibilityTimeout: Duration.seconds(60),
  deadLetterQueue: { queue: deadLetters, maxReceiveCount: 3 },
});
const worker = new Function(stack, 'OrdersWorker', {
  runtime: Runtime.NODEJS_22_X,
  handler: 'index.handler',
  code: Code.fromInline('exports.handler = async () => ({ batchItemFailures: [] });'),
  timeout: Duration.seconds(30),
});
worker.addEventSource(new QueueEventSource(orders, { batchSize: 10, reportBatchItemFailures: true }));
`;

/**
 * The same package from an ES module: the stack this repository deploys, under cdk-nag's AwsSolutions checks as
 * bin/app.ts runs them (synth fails on any finding): the constructs' acknowledgements come with them.
 */
const ESM_APP = `import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { QueueServiceStack } from 'dynamo-sqs';

const app = new App();
new QueueServiceStack(app, 'QueueService');
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
`;

/** tsconfig.json as \`cdk init app --language typescript\` writes it (without jest, which the app does not have). */
const APP_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['es2022'],
    declaration: true,
    strict: true,
    noImplicitAny: true,
    strictNullChecks: true,
    noImplicitThis: true,
    alwaysStrict: true,
    noImplicitReturns: true,
    inlineSourceMap: true,
    inlineSources: true,
    experimentalDecorators: true,
    strictPropertyInitialization: false,
    skipLibCheck: true,
    typeRoots: ['./node_modules/@types'],
    noEmit: true,
    isolatedModules: true,
    types: ['node'],
  },
  exclude: ['node_modules', 'cdk.out'],
};

interface PackResult {
  readonly filename: string;
  readonly size: number;
  readonly unpackedSize: number;
  readonly files: readonly { readonly path: string }[];
}

/** The app's environment: no path into this repository, so nothing of it (esbuild, tsx's PATH) is found by accident. */
function appEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const path = (process.env.PATH ?? '')
    .split(delimiter)
    .filter((entry) => !entry.startsWith(ROOT))
    .join(delimiter);
  return { PATH: path, HOME: process.env.HOME, ...extra };
}

const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('the npm package', { timeout: PACKAGE_TIMEOUT_MS }, () => {
  const cdkContext: Record<string, unknown> = JSON.parse(
    readFileSync(join(ROOT, 'cdk.json'), 'utf8'),
  ).context;
  let scratch: string;
  let appDir: string;
  let packed: PackResult;
  let commonJsOut: string;
  let esmOut: string;
  /** tsc's report on the app: empty when it type-checks. */
  let typeCheck: Promise<string>;

  const installed = (...path: string[]): string => join(appDir, 'node_modules/dynamo-sqs', ...path);

  /** Runs one of the app's modules as `cdk synth` does, into a directory of its own; returns the directory. */
  async function synthApp(module: string): Promise<string> {
    const outdir = join(appDir, `cdk.out.${module.replaceAll(/\W/g, '-')}`);
    await run(join(ROOT, 'node_modules/.bin/tsx'), [module], {
      cwd: appDir,
      env: appEnvironment({ CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify(cdkContext) }),
      timeout: PACKAGE_TIMEOUT_MS,
    });
    return outdir;
  }

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'dynamo-sqs-package-'));
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', scratch], {
      cwd: ROOT,
      timeout: PACKAGE_TIMEOUT_MS,
      maxBuffer: 16 * 1024 * 1024,
    });
    // npm prints the scripts' output (prepack's, prepare's) first, then its JSON: an array, '[' on a line of its own.
    [packed] = JSON.parse(stdout.slice(stdout.search(/^\[$/m))) as [PackResult];

    appDir = join(scratch, 'app');
    mkdirSync(join(appDir, 'bin'), { recursive: true });
    writeFileSync(
      join(appDir, 'package.json'),
      JSON.stringify({ name: 'my-app', version: '0.1.0', private: true }),
    );
    writeFileSync(join(appDir, 'tsconfig.json'), JSON.stringify(APP_TSCONFIG));
    writeFileSync(
      join(appDir, 'cdk.json'),
      JSON.stringify({ app: 'npx tsx bin/app.ts', context: cdkContext }),
    );
    writeFileSync(join(appDir, 'bin/app.ts'), COMMONJS_APP);
    writeFileSync(join(appDir, 'bin/esm-app.mts'), ESM_APP);
    // The package has no dependencies of its own, and its peers are the app's: nothing to fetch.
    const tarball = join(scratch, packed.filename);
    await run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--legacy-peer-deps', tarball], {
      cwd: appDir,
      env: appEnvironment({}),
      timeout: PACKAGE_TIMEOUT_MS,
    });
    for (const name of APP_PACKAGES) {
      mkdirSync(dirname(join(appDir, 'node_modules', name)), { recursive: true });
      symlinkSync(join(ROOT, 'node_modules', name), join(appDir, 'node_modules', name), 'dir');
    }

    // tsc runs on while the synths and the first tests do.
    typeCheck = run(join(ROOT, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], {
      cwd: appDir,
      env: appEnvironment({}),
      timeout: PACKAGE_TIMEOUT_MS,
    }).then(
      () => '',
      (error: { stdout?: string }) => error.stdout || String(error),
    );
    [commonJsOut, esmOut] = await Promise.all([synthApp('bin/app.ts'), synthApp('bin/esm-app.mts')]);
  }, PACKAGE_TIMEOUT_MS);

  afterAll(async () => {
    await typeCheck;
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('holds the built package only: no sources, tests, benches or data', () => {
    const paths = packed.files.map((file) => file.path);
    expect(paths).toContain('dist/index.mjs');
    expect(paths).toContain('dist/index.cjs');
    expect(paths).toContain('dist/types/esm/lib/index.d.ts');
    expect(paths).toContain('dist/types/cjs/lib/index.d.ts');
    expect(paths).toContain('dist/types/cjs/package.json');
    for (const entry of Object.keys(ENTRIES)) {
      expect(paths).toContain(`dist/${PREBUNDLED_DIRECTORY}/${entry}/index.mjs`);
      expect(paths).toContain(`dist/${PREBUNDLED_DIRECTORY}/${entry}/index.mjs.map`);
    }
    expect(paths.filter((path) => !path.startsWith('dist/')).sort()).toEqual(['README.md', 'package.json']);
    expect(paths.filter((path) => /\.[cm]?ts$/.test(path) && !path.endsWith('.d.ts'))).toEqual([]);
  });

  it('keeps the Lambda runtime out of the construct library: no SDK, no Powertools, no function entry', () => {
    for (const library of ['index.mjs', 'index.cjs']) {
      // esbuild heads each module's code in an unminified bundle with a comment naming its file.
      const modules = [...readFileSync(installed('dist', library), 'utf8').matchAll(/^\/\/ (\S+)$/gm)].map(
        (match) => match[1] ?? '',
      );
      expect(modules).toContain('lib/queue-service.ts');
      expect(
        modules.filter((path) => path.startsWith('node_modules/') || path.startsWith('lambda/entries/')),
      ).toEqual([]);
    }
  });

  it('installs with no dependencies of its own: aws-cdk-lib and constructs are the app’s', () => {
    const manifest = JSON.parse(readFileSync(installed('package.json'), 'utf8'));
    expect(manifest.dependencies).toBeUndefined();
    expect(Object.keys(manifest.peerDependencies).sort()).toEqual(['aws-cdk-lib', 'constructs']);
    expect(existsSync(installed('node_modules'))).toBe(false);
    expect(existsSync(join(appDir, 'node_modules/esbuild'))).toBe(false);
  });

  it('synthesizes a service, a queue with its dead-letter queue, and a consumer from a CommonJS app', () => {
    const template = templateOf(commonJsOut, 'Orders');
    const types = Object.values(template.Resources).map((resource) => resource.Type);
    expect(types).toContain('AWS::DynamoDB::GlobalTable');
    expect(types).toContain('AWS::ApiGatewayV2::Api');
    const queues = Object.values(template.Resources)
      .filter((resource) => resource.Type === 'Custom::SqsQueue')
      .map((resource) => JSON.parse(String(resource.Properties?.Queue)));
    expect(queues).toHaveLength(2);
    expect(queues).toContainEqual({ name: 'orders-dlq', attributes: {} });
    expect(queues).toContainEqual({
      name: 'orders',
      attributes: { VisibilityTimeout: '60' },
      deadLetterQueue: { name: 'orders-dlq', maxReceiveCount: 3 },
    });
    const consumers = Object.values(template.Resources)
      .filter((resource) => resource.Type === 'Custom::SqsConsumer')
      .map((resource) => resource.Properties?.Consumer);
    expect(consumers).toHaveLength(1);
    // The declaration names the function by a reference CloudFormation resolves: a JSON string with tokens.
    const consumer = JSON.stringify(consumers[0]);
    expect(consumer).toContain('\\"queueName\\":\\"orders\\"');
    expect(consumer).toContain('\\"batchSize\\":10');
    expect(consumer).toContain('\\"reportBatchItemFailures\\":true');
    expect(consumer).toContain('OrdersWorker');
  });

  it('gives every service function its pre-bundled code, from CommonJS and from ESM', () => {
    const prebundled = Object.keys(ENTRIES).map((entry) =>
      sha256(installed('dist', PREBUNDLED_DIRECTORY, entry, 'index.mjs')),
    );
    for (const [outdir, stackName] of [
      [commonJsOut, 'Orders'],
      [esmOut, 'QueueService'],
    ] as const) {
      // Every function with a bundle staged as its asset: the service's (the app's own is inline).
      const staged = Object.values(templateOf(outdir, stackName).Resources)
        .filter((resource) => resource.Type === 'AWS::Lambda::Function')
        .map((resource) => (resource.Properties?.Code as { S3Key?: unknown } | undefined)?.S3Key)
        .filter((key) => typeof key === 'string')
        .map((key) => join(outdir, `asset.${key.replace(/\.zip$/, '')}`))
        .filter((asset) => existsSync(join(asset, 'index.mjs')));
      for (const asset of staged) expect(readdirSync(asset).sort()).toEqual(['index.mjs', 'index.mjs.map']);
      expect(staged.map((asset) => sha256(join(asset, 'index.mjs'))).sort()).toEqual([...prebundled].sort());
      // Nothing was bundled at synth.
      expect(readdirSync(outdir).filter((name) => name.startsWith('bundling-temp'))).toEqual([]);
    }
  });

  it('makes the same functions as this repository’s app, but for their code', () => {
    const withoutCode = (template: CloudFormationTemplate) =>
      Object.fromEntries(
        Object.entries(template.Resources)
          .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
          .map(([id, resource]) => [id, { ...resource.Properties, Code: undefined }]),
      );
    const fromSource = Template.fromStack(new QueueServiceStack(appWithoutBundling(), 'QueueService'));
    expect(withoutCode(templateOf(esmOut, 'QueueService'))).toEqual(
      withoutCode(fromSource.toJSON() as CloudFormationTemplate),
    );
  });

  it('type-checks in the app, from CommonJS and from ESM', async () => {
    expect(await typeCheck).toBe('');
  });
});

function templateOf(outdir: string, stackName: string): CloudFormationTemplate {
  return JSON.parse(readFileSync(join(outdir, `${stackName}.template.json`), 'utf8'));
}
