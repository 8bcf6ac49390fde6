import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueServiceStack } from '../../lib/queue-service-stack.js';
import { appWithoutBundling, SYNTH_TIMEOUT_MS } from './synth.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CDK_JSON = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8'));

/** esbuild bundles three functions, on a two-core machine shared with other test files. */
const BUNDLING_TIMEOUT_MS = 300_000;

interface FunctionResource {
  readonly Properties: { readonly Description?: string; readonly Code: { readonly S3Key: unknown } };
}

/** The staged asset directory of each of the service's own functions, by description. */
function functionAssets(outdir: string, stackName: string): Map<string, string> {
  const template = JSON.parse(readFileSync(join(outdir, `${stackName}.template.json`), 'utf8'));
  const assets = new Map<string, string>();
  for (const resource of Object.values<{ Type: string } & FunctionResource>(template.Resources)) {
    const description = resource.Properties?.Description;
    if (resource.Type !== 'AWS::Lambda::Function' || !description?.startsWith('SQS-compatible service'))
      continue;
    const hash = String(resource.Properties.Code.S3Key).replace(/\.zip$/, '');
    assets.set(description, join(outdir, `asset.${hash}`));
  }
  return assets;
}

describe('the default app, bundled for real', { timeout: BUNDLING_TIMEOUT_MS }, () => {
  const outdir = mkdtempSync(join(tmpdir(), 'dynamo-sqs-synth-'));

  beforeAll(async () => {
    // bin/app.ts as `cdk synth` runs it: cdk.json's context, output to CDK_OUTDIR, no AWS credentials.
    await promisify(execFile)(join(ROOT, 'node_modules/.bin/tsx'), ['bin/app.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        CDK_OUTDIR: outdir,
        CDK_CONTEXT_JSON: JSON.stringify(CDK_JSON.context),
      },
      timeout: BUNDLING_TIMEOUT_MS,
    });
  }, BUNDLING_TIMEOUT_MS);

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('bundles each function into an ESM entry file with its source map', () => {
    const assets = functionAssets(outdir, 'QueueService');

    expect(assets.size).toBe(3);
    for (const directory of assets.values()) {
      expect(readdirSync(directory).sort()).toEqual(['index.mjs', 'index.mjs.map']);
    }
  });

  it('loads each bundle as an ES module that exports the handler', async () => {
    for (const directory of functionAssets(outdir, 'QueueService').values()) {
      const bundle = await import(pathToFileURL(join(directory, 'index.mjs')).href);
      expect(typeof bundle.handler).toBe('function');
    }
  });

  it('puts the AWS SDK in the bundle instead of importing the runtime’s copy, and gives ESM a require', () => {
    const assets = functionAssets(outdir, 'QueueService');
    const [request] = [...assets.entries()].filter(([description]) =>
      description.includes('every SQS request'),
    );
    const code = readFileSync(join(request?.[1] ?? '', 'index.mjs'), 'utf8');

    expect(code).not.toMatch(/from\s*["']@aws-sdk\//);
    expect(code).not.toMatch(/import\(\s*["']@aws-sdk\//);
    expect(code).toContain('DynamoDBClient');
    expect(
      code.startsWith(
        "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      ),
    ).toBe(true);
  });
});

describe('template tests', { timeout: SYNTH_TIMEOUT_MS }, () => {
  it('skip esbuild: no function code is built', () => {
    const app = appWithoutBundling();
    new QueueServiceStack(app, 'QueueService');

    const outdir = app.synth().directory;

    const assets = functionAssets(outdir, 'QueueService');
    expect(assets.size).toBe(3);
    for (const directory of assets.values()) expect(existsSync(join(directory, 'index.mjs'))).toBe(false);
  });
});
