import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** esbuild bundles the service's functions, on a two-core machine that runs other test files meanwhile. */
export const BUNDLING_TIMEOUT_MS = 300_000;

/** The service's functions, found in the template by the start of their description (lib/queue-service.ts). */
const FUNCTIONS = {
  request: 'SQS-compatible service: answers every SQS request',
  background: 'SQS-compatible service: message move tasks',
  queueResource: 'SQS-compatible service: creates, updates and deletes the queues',
  dispatcher: "SQS-compatible service: invokes the queues' Lambda consumers",
} as const;

export type BundledFunction = keyof typeof FUNCTIONS;

/** `cdk synth` of bin/app.ts, esbuild included, in a directory of its own. */
export interface BundledApp {
  readonly outdir: string;
  /** The synthesized template of a stack, as CloudFormation receives it. */
  template(stackName: string): CloudFormationTemplate;
  /** The staged asset directory (what Lambda unzips) of one of the service's functions. */
  assetDirectory(fn: BundledFunction): string;
  /** Imports a function's bundled `index.mjs`: the code Lambda would run, not the TypeScript source. */
  importHandler<T>(fn: BundledFunction): Promise<T>;
  remove(): void;
}

export interface CloudFormationTemplate {
  readonly Resources: Record<
    string,
    { readonly Type: string; readonly Properties?: Record<string, unknown> }
  >;
}

/**
 * Runs the CDK app as `npx cdk synth` does: cdk.json's context, output to a fresh directory, no AWS credentials in
 * the environment. The service stack is `QueueService`.
 */
export async function synthBundledApp(): Promise<BundledApp> {
  const outdir = mkdtempSync(join(tmpdir(), 'dynamo-sqs-synth-'));
  const cdkJson = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8'));
  await promisify(execFile)(join(ROOT, 'node_modules/.bin/tsx'), ['bin/app.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      CDK_OUTDIR: outdir,
      CDK_CONTEXT_JSON: JSON.stringify(cdkJson.context),
    },
    timeout: BUNDLING_TIMEOUT_MS,
  });
  const template = (stackName: string): CloudFormationTemplate =>
    JSON.parse(readFileSync(join(outdir, `${stackName}.template.json`), 'utf8'));
  const assetDirectory = (fn: BundledFunction): string =>
    functionAssetDirectory(template('QueueService'), outdir, fn);
  return {
    outdir,
    template,
    assetDirectory,
    importHandler: async <T>(fn: BundledFunction) => {
      const bundle = await import(pathToFileURL(join(assetDirectory(fn), 'index.mjs')).href);
      return bundle.handler as T;
    },
    remove: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

/** Where `cdk synth` staged a function's asset in `outdir`: `asset.<hash>`, the hash being the template's S3 key. */
export function functionAssetDirectory(
  template: CloudFormationTemplate,
  outdir: string,
  fn: BundledFunction,
): string {
  const found = Object.values(template.Resources).find(
    (resource) =>
      resource.Type === 'AWS::Lambda::Function' &&
      String(resource.Properties?.Description ?? '').startsWith(FUNCTIONS[fn]),
  );
  const code = found?.Properties?.Code as { S3Key?: unknown } | undefined;
  if (typeof code?.S3Key !== 'string') throw new Error(`no ${fn} function with an asset in the template`);
  return join(outdir, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
}

/** The functions, in the order {@link FUNCTIONS} lists them. */
export const BUNDLED_FUNCTIONS = Object.keys(FUNCTIONS) as BundledFunction[];
