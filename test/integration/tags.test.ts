import { describe, expect, it } from 'vitest';
import { catchError, createTestQueue, expectedError, PROTOCOLS } from '../helpers/test-queue.js';

describe.each(PROTOCOLS)('Queue tags over %s', (protocol) => {
  it('lists no tags on an untagged queue', async () => {
    const queue = await createTestQueue(protocol);

    expect(await queue.listTags()).toEqual({});
  });

  it('adds tags with TagQueue and lists them with ListQueueTags', async () => {
    const queue = await createTestQueue(protocol);

    await queue.tag({ team: 'payments', env: 'test' });

    expect(await queue.listTags()).toEqual({ team: 'payments', env: 'test' });
  });

  it('overwrites the value of a key that is tagged again and keeps the others', async () => {
    const queue = await createTestQueue(protocol, {}, { tags: { team: 'payments', env: 'test' } });

    await queue.tag({ env: 'prod' });

    expect(await queue.listTags()).toEqual({ team: 'payments', env: 'prod' });
  });

  it('treats keys as case-sensitive', async () => {
    const queue = await createTestQueue(protocol);

    await queue.tag({ Env: 'upper', env: 'lower' });

    expect(await queue.listTags()).toEqual({ Env: 'upper', env: 'lower' });
  });

  it('keeps keys that are JavaScript property names, such as constructor and __proto__', async () => {
    const queue = await createTestQueue(protocol);
    const tags = JSON.parse('{"constructor":"c","__proto__":"p","toString":"t"}') as Record<string, string>;

    await queue.tag(tags);

    expect(Object.entries(await queue.listTags()).sort()).toEqual([
      ['__proto__', 'p'],
      ['constructor', 'c'],
      ['toString', 't'],
    ]);
  });

  it('removes the given keys with UntagQueue and ignores keys it does not have', async () => {
    const queue = await createTestQueue(protocol, {}, { tags: { a: '1', b: '2', c: '3' } });

    await queue.untag(['a', 'c', 'missing']);

    expect(await queue.listTags()).toEqual({ b: '2' });
  });

  it('keeps an empty tag value', async () => {
    const queue = await createTestQueue(protocol);

    await queue.tag({ flag: '' });

    expect(await queue.listTags()).toEqual({ flag: '' });
  });

  it('answers QueueDoesNotExist for a queue that is gone', async () => {
    const queue = await createTestQueue(protocol);
    await queue.deleteQueue();

    const error = await catchError(queue.tag({ a: '1' }));

    expect(error).toMatchObject(expectedError(protocol, 'QueueDoesNotExist', 400));
  });
});
