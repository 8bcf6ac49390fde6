import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HandlerLoadError, LocalFunction } from '../../lambda/consumers/local-function.js';

const FIXTURES = resolve('test/consumers/fixtures');
const location = { region: 'us-east-1', accountId: '000000000000' };
const event = {
  Records: [{ messageId: 'm-1', body: 'fail-1' }],
} as never;
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('LocalFunction', () => {
  it('runs a callback-style handler and reports the error it calls back with', async () => {
    const fn = new LocalFunction({
      modulePath: join(FIXTURES, 'throwing-handler.ts'),
      exportName: 'callbackHandler',
      ...location,
    });
    await fn.load();

    const result = await fn.invoker(event, { deadlineMs: Date.now() + 1_000 });

    expect(result).toMatchObject({
      kind: 'failed',
      error: { name: 'Error', message: 'cannot process fail-1' },
    });
  });

  it('gives the handler a Lambda-like context', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'local-function-'));
    dirs.push(dir);
    const file = join(dir, 'context.mjs');
    await writeFile(
      file,
      'export const handler = async (event, context) => ({ name: context.functionName, remaining: context.getRemainingTimeInMillis(), id: context.awsRequestId, arn: context.invokedFunctionArn, wait: context.callbackWaitsForEmptyEventLoop });\n',
    );
    const fn = new LocalFunction({ modulePath: file, exportName: 'handler', ...location });

    const result = await fn.invoker(event, { deadlineMs: Date.now() + 2_000 });

    expect(result.kind).toBe('returned');
    const payload = (result as { payload: Record<string, unknown> }).payload;
    expect(payload).toMatchObject({
      name: 'context',
      arn: 'arn:aws:lambda:us-east-1:000000000000:function:context',
      wait: true,
    });
    expect(payload.remaining).toBeGreaterThan(0);
    expect(payload.remaining).toBeLessThanOrEqual(2_000);
    expect(payload.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each(['mjs', 'ts'])('loads a changed .%s module again at the next invocation', async (extension) => {
    const dir = await mkdtemp(join(tmpdir(), 'local-function-'));
    dirs.push(dir);
    const file = join(dir, `reload.${extension}`);
    await writeFile(file, "export const handler = async () => 'first';\n");
    const fn = new LocalFunction({ modulePath: file, exportName: 'handler', ...location });
    const first = await fn.invoker(event, { deadlineMs: Date.now() + 1_000 });

    await writeFile(file, "export const handler = async () => 'second';\n");
    const later = new Date(Date.now() + 5_000);
    await utimes(file, later, later);
    const second = await fn.invoker(event, { deadlineMs: Date.now() + 1_000 });

    expect([first, second]).toEqual([
      { kind: 'returned', payload: 'first' },
      { kind: 'returned', payload: 'second' },
    ]);
  });

  it('refuses a module without the export, naming what it exports', async () => {
    const fn = new LocalFunction({
      modulePath: join(FIXTURES, 'sqs-handler.ts'),
      exportName: 'main',
      ...location,
    });

    await expect(fn.load()).rejects.toThrow(HandlerLoadError);
    await expect(fn.load()).rejects.toThrow(/has no function export 'main' \(it exports handler\)/);
  });

  it('reports a thrown non-Error as its text', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'local-function-'));
    dirs.push(dir);
    const file = join(dir, 'strings.mjs');
    await writeFile(file, "export const handler = async () => { throw 'plain text'; };\n");
    const fn = new LocalFunction({ modulePath: file, exportName: 'handler', ...location });

    const result = await fn.invoker(event, { deadlineMs: Date.now() + 1_000 });

    expect(result).toEqual({ kind: 'failed', error: { message: 'plain text' } });
  });
});
