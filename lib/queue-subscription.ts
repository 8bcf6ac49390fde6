import { CustomResource, Names, Stack, Token } from 'aws-cdk-lib';
import type { FilterOrPolicy, SubscriptionFilter } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { QueuesConfigError } from '../lambda/queues-config/schema.js';
import { parseSubscriptionDeclaration, SUBSCRIPTION_RESOURCE_TYPE } from '../lambda/queues-config/topics.js';
import type { IQueueService } from './queue.js';
import type { IServiceQueue } from './queue-declaration.js';

/** SNS's limits a filter policy is checked against at synth, as aws-sns's `Subscription` checks them. */
const MAX_FILTER_POLICY_KEYS = 5;
const MAX_FILTER_COMBINATIONS = 150;

/** A queue a topic can deliver to: a `Queue` of the service, or one named with `Queue.fromQueueName`. */
export type SubscribableQueue = IServiceQueue & { readonly service?: IQueueService };

/** How a queue is subscribed, mirroring aws-sns-subscriptions' `SqsSubscriptionProps`. */
export interface QueueSubscriptionProps {
  /**
   * The queue gets the message as it was published (its message attributes as SQS message attributes), not
   * wrapped in the SNS envelope.
   * @default false
   */
  readonly rawMessageDelivery?: boolean;
  /**
   * Which publishes the queue gets, by message attribute: `{ type: sns.SubscriptionFilter.stringFilter({ allowlist:
   * ['created'] }) }`. At most 5 attributes and 150 value combinations, as SNS allows.
   * @default - every message
   */
  readonly filterPolicy?: { [attribute: string]: SubscriptionFilter };
  /**
   * Which publishes the queue gets, by the keys of a JSON message body (`FilterPolicyScope` `MessageBody`):
   * `{ order: sns.FilterOrPolicy.policy({ total: sns.FilterOrPolicy.filter(sns.SubscriptionFilter.numericFilter(
   * { greaterThan: 100 })) }) }`. Only one of `filterPolicy` and `filterPolicyWithMessageBody` can be given.
   * @default - every message
   */
  readonly filterPolicyWithMessageBody?: { [attribute: string]: FilterOrPolicy };
  /**
   * Where messages that cannot be delivered to the queue go (the subscription's RedrivePolicy): a queue of the
   * same service, FIFO for a FIFO topic.
   * @default - an undeliverable message is dropped
   */
  readonly deadLetterQueue?: SubscribableQueue;
}

/** The topic a `QueueSubscription` is bound to: a `Topic`, or one named with `Topic.fromTopicName`. */
export interface SubscribingTopic {
  readonly service: IQueueService;
  readonly topicName: string;
  readonly topicArn: string;
  readonly fifo: boolean;
  /** The topic's custom resource, which the subscription is created after. @default - a topic of another stack or app */
  readonly resource?: CustomResource;
}

/**
 * A queue of the service as a topic's subscriber, mirroring aws-sns-subscriptions' `SqsSubscription`:
 * `topic.addSubscription(new QueueSubscription(queue, { rawMessageDelivery: true, filterPolicy }))`. Same-service
 * queues are confirmed at once, as SNS confirms same-account queues, and need no queue policy.
 */
export class QueueSubscription {
  constructor(
    readonly queue: SubscribableQueue,
    readonly props: QueueSubscriptionProps = {},
  ) {}

  /**
   * Creates the subscription's resource: under the queue when it is a construct (as aws-sns-subscriptions does, so
   * a topic of one stack can feed queues of others), else under the topic. `Topic.addSubscription` calls it.
   */
  bind(topic: SubscribingTopic): TopicSubscription {
    const queue = this.queue;
    if (queue.service !== undefined && queue.service !== topic.service) {
      throw new Error(
        `Topic '${topic.topicName}': the queue '${queue.queueName}' belongs to another service; a topic delivers to queues of its own service`,
      );
    }
    const scope = queue instanceof Construct ? queue : topic instanceof Construct ? topic : undefined;
    if (scope === undefined) {
      throw new Error(
        `Topic '${topic.topicName}': a topic named with Topic.fromTopicName subscribes queues of this app (a Queue construct), not the queue name '${queue.queueName}'`,
      );
    }
    const id =
      queue instanceof Construct
        ? topic instanceof Construct
          ? Names.nodeUniqueId(topic.node)
          : `Topic-${topic.topicName}`
        : `Subscription-${queue.queueName}`;
    if (scope.node.tryFindChild(id)) {
      throw new Error(`Topic '${topic.topicName}': the queue '${queue.queueName}' is subscribed already`);
    }
    return new TopicSubscription(scope, id, { topic, queue, ...this.props });
  }
}

export interface TopicSubscriptionProps extends QueueSubscriptionProps {
  readonly topic: SubscribingTopic;
  readonly queue: SubscribableQueue;
}

/** A queue's subscription to a topic, held by a custom resource (`Custom::SnsSubscription`). */
export class TopicSubscription extends Construct {
  readonly topic: SubscribingTopic;
  readonly queue: SubscribableQueue;
  /** @default - none */
  readonly deadLetterQueue?: SubscribableQueue;
  /** The FilterPolicy JSON as SNS stores it, rendered from the props as aws-sns renders it. @default - none */
  readonly filterPolicy?: Record<string, unknown>;
  readonly resource: CustomResource;
  /** The subscription ARN, known once it is deployed. */
  readonly subscriptionArn: string;

  constructor(scope: Construct, id: string, props: TopicSubscriptionProps) {
    super(scope, id);
    this.topic = props.topic;
    this.queue = props.queue;
    this.deadLetterQueue = props.deadLetterQueue;
    const where = `QueueSubscription of '${props.queue.queueName}' to topic '${props.topic.topicName}'`;
    if (props.filterPolicy && props.filterPolicyWithMessageBody) {
      throw new Error(`${where}: give filterPolicy or filterPolicyWithMessageBody, not both`);
    }
    const dlq = props.deadLetterQueue;
    if (dlq?.service !== undefined && dlq.service !== props.topic.service) {
      throw new Error(`${where}: deadLetterQueue '${dlq.queueName}' belongs to another service`);
    }
    const body = props.filterPolicyWithMessageBody !== undefined;
    this.filterPolicy = props.filterPolicy
      ? renderAttributePolicy(props.filterPolicy, where)
      : props.filterPolicyWithMessageBody && renderBodyPolicy(props.filterPolicyWithMessageBody, where);
    const declaration = {
      topic: props.topic.topicName,
      queue: props.queue.queueName,
      ...(props.rawMessageDelivery === undefined ? {} : { rawMessageDelivery: props.rawMessageDelivery }),
      ...(this.filterPolicy ? { filterPolicy: this.filterPolicy } : {}),
      ...(body ? { filterPolicyScope: 'MessageBody' } : {}),
      ...(dlq ? { deadLetterQueue: dlq.queueName } : {}),
    };
    validate(declaration, props, where, body);

    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: props.topic.service.serviceToken,
      resourceType: SUBSCRIPTION_RESOURCE_TYPE,
      properties: { Subscription: Stack.of(this).toJsonString(declaration) },
    });
    // Subscribe names the topic and the queue (and the RedrivePolicy its dead-letter queue): they come first and go last.
    for (const each of [props.topic, props.queue, dlq]) {
      const resource = each && 'resource' in each ? (each as { resource?: unknown }).resource : undefined;
      if (resource instanceof CustomResource) this.resource.node.addDependency(resource);
    }
    this.subscriptionArn = this.resource.ref;
  }
}

/** As aws-sns renders `filterPolicy`: each attribute's conditions, at most 5 attributes and 150 combinations. */
function renderAttributePolicy(policy: { [attribute: string]: SubscriptionFilter }, where: string) {
  const keys = Object.keys(policy);
  if (keys.length > MAX_FILTER_POLICY_KEYS) {
    throw new Error(
      `${where}: A filter policy can have a maximum of ${MAX_FILTER_POLICY_KEYS} attribute names.`,
    );
  }
  const rendered: Record<string, unknown[]> = {};
  let total = 1;
  for (const key of keys) {
    const conditions = (policy[key] as SubscriptionFilter).conditions;
    rendered[key] = conditions;
    total *= conditions.length;
  }
  if (total > MAX_FILTER_COMBINATIONS) {
    throw new Error(
      `${where}: The total combination of values (${total}) must not exceed ${MAX_FILTER_COMBINATIONS}.`,
    );
  }
  return rendered;
}

/** As aws-sns renders `filterPolicyWithMessageBody`: nested policies, combinations weighted by depth. */
function renderBodyPolicy(policy: { [attribute: string]: FilterOrPolicy }, where: string) {
  if (Object.keys(policy).length > MAX_FILTER_POLICY_KEYS) {
    throw new Error(
      `${where}: A filter policy can have a maximum of ${MAX_FILTER_POLICY_KEYS} attribute names.`,
    );
  }
  const total = [1];
  const build = (level: { [attribute: string]: FilterOrPolicy }, depth: number): Record<string, unknown> => {
    const result: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(level)) {
      if (value.isPolicy()) {
        result[key] = build(
          (value as unknown as { policyDoc: { [k: string]: FilterOrPolicy } }).policyDoc,
          depth + 1,
        );
      } else if (value.isFilter()) {
        const conditions = (value as unknown as { filterDoc: SubscriptionFilter }).filterDoc.conditions;
        result[key] = conditions;
        total[0] = (total[0] as number) * conditions.length * depth;
      }
    }
    if ((total[0] as number) > MAX_FILTER_COMBINATIONS) {
      throw new Error(
        `${where}: The total combination of values (${total[0]}) must not exceed ${MAX_FILTER_COMBINATIONS}.`,
      );
    }
    return result;
  };
  return build(policy, 1);
}

/**
 * The service's own checks (SNS's filter policy rules, queue types), with the props named as the user wrote them.
 * A policy holding tokens is left to the deployment.
 */
function validate(
  declaration: Record<string, unknown>,
  props: TopicSubscriptionProps,
  where: string,
  body: boolean,
) {
  const checked = Token.isUnresolved(JSON.stringify(declaration.filterPolicy ?? null))
    ? { ...declaration, filterPolicy: undefined, filterPolicyScope: undefined }
    : declaration;
  const queues = new Map([[props.queue.queueName, { fifo: props.queue.fifo }]]);
  if (props.deadLetterQueue)
    queues.set(props.deadLetterQueue.queueName, { fifo: props.deadLetterQueue.fifo });
  try {
    parseSubscriptionDeclaration(JSON.parse(JSON.stringify(checked)), queues);
  } catch (error) {
    if (!(error instanceof QueuesConfigError)) throw error;
    const lines = error.issues.map((issue) => {
      let field = issue.field.replace(/^subscription\./, '');
      if (field === 'queue') field = 'queue';
      if (field === 'filterPolicy' && body) field = 'filterPolicyWithMessageBody';
      return `${where}: ${field} ${issue.problem}`;
    });
    throw new Error(lines.join('\n'), { cause: error });
  }
}
