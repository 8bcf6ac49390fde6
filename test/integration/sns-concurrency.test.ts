import { CreateTopicCommand, PublishCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { createQueueWithArn, receiveAll, receiveFor, topicClients, uniqueName } from '../helpers/sns.js';

const PUBLISHERS = 8;
const PER_PUBLISHER = 15;
const COLOURS = ['red', 'green', 'blue'] as const;

describe('fan-out under concurrent publishers', () => {
  it('gives every matching queue every message once, and no other queue any', async () => {
    const { sns, sqs } = await topicClients();
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: uniqueName('busy') }));
    const subscribe = async (name: string, policy?: object) => {
      const queue = await createQueueWithArn(sqs, uniqueName(name));
      await sns.send(
        new SubscribeCommand({
          TopicArn,
          Protocol: 'sqs',
          Endpoint: queue.arn,
          Attributes: {
            RawMessageDelivery: 'true',
            ...(policy ? { FilterPolicy: JSON.stringify(policy) } : {}),
          },
        }),
      );
      return queue.url;
    };
    const everything = await subscribe('all');
    const red = await subscribe('red', { colour: ['red'] });
    const notRed = await subscribe('notred', { colour: [{ 'anything-but': 'red' }] });
    const none = await subscribe('none', { colour: ['purple'] });

    const published: { body: string; colour: string }[] = [];
    await Promise.all(
      Array.from({ length: PUBLISHERS }, async (_, p) => {
        for (let i = 0; i < PER_PUBLISHER; i++) {
          const colour = COLOURS[(p + i) % COLOURS.length] as string;
          const body = `p${p}-m${i}`;
          await sns.send(
            new PublishCommand({
              TopicArn,
              Message: body,
              MessageAttributes: { colour: { DataType: 'String', StringValue: colour } },
            }),
          );
          published.push({ body, colour });
        }
      }),
    );
    const bodies = (messages: { Body?: string }[]) => messages.map((m) => m.Body as string).sort();
    const total = PUBLISHERS * PER_PUBLISHER;
    const reds = published
      .filter((m) => m.colour === 'red')
      .map((m) => m.body)
      .sort();
    const others = published
      .filter((m) => m.colour !== 'red')
      .map((m) => m.body)
      .sort();
    const [allReceived, redReceived, notRedReceived, noneReceived] = await Promise.all([
      receiveAll(sqs, everything, total, 30_000),
      receiveAll(sqs, red, reds.length, 30_000),
      receiveAll(sqs, notRed, others.length, 30_000),
      receiveFor(sqs, none, 1_000),
    ]);
    // Anything that would arrive twice arrives by now.
    const late = await Promise.all([everything, red, notRed].map((url) => receiveFor(sqs, url, 1_000)));

    expect(bodies(allReceived)).toEqual(published.map((m) => m.body).sort());
    expect(bodies(redReceived)).toEqual(reds);
    expect(bodies(notRedReceived)).toEqual(others);
    expect(noneReceived).toEqual([]);
    expect(late.flat()).toEqual([]);
  }, 120_000);
});
