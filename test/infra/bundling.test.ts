import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { QueueServiceStack } from '../../lib/queue-service-stack.js';
import {
  BUNDLED_FUNCTIONS,
  type CloudFormationTemplate,
  functionAssetDirectory,
} from '../helpers/bundled-app.js';
import { appWithoutBundling } from './synth.js';

/**
 * The template tests skip esbuild (see synth.ts); test/integration/bundled-lambda.test.ts bundles for real and runs
 * the bundles.
 */
describe('template tests', { timeout: 120_000 }, () => {
  it('skip esbuild: no function code is built', () => {
    const app = appWithoutBundling();
    new QueueServiceStack(app, 'QueueService');

    const outdir = app.synth().directory;

    const template: CloudFormationTemplate = JSON.parse(
      readFileSync(join(outdir, 'QueueService.template.json'), 'utf8'),
    );
    for (const fn of BUNDLED_FUNCTIONS) {
      expect(existsSync(join(functionAssetDirectory(template, outdir, fn), 'index.mjs'))).toBe(false);
    }
  });
});
