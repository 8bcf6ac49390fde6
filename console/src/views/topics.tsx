import type { JSX } from 'preact';
import { useEffect } from 'preact/hooks';
import { api } from '../api';
import type { TopicDetail, TopicSubscription, TopicSummary } from '../api-types';
import { formatCount, formatTime } from '../format';
import { Link } from '../router';
import { usePoll } from '../use-poll';
import { ErrorBox } from './error-box';
import './topics.css';

const POLL_MS = 10_000;

/** Every SNS topic with its subscription count; read-only (topics are managed with any SNS client). */
export function TopicList(): JSX.Element {
  useEffect(() => {
    document.title = 'Topics';
  }, []);
  const list = usePoll(() => api.listTopics(), 'topics', POLL_MS);
  return (
    <>
      <h1>Topics</h1>
      <p class="muted">
        {list.data === undefined
          ? 'Loading…'
          : `${formatCount(list.data.topics.length)} topics · refreshed every ${POLL_MS / 1000} s`}
      </p>
      <ErrorBox error={list.error} />
      {list.data !== undefined && list.data.topics.length === 0 && (
        <p class="muted">No topics yet. Create one with any SNS client, or in the queues file.</p>
      )}
      {list.data !== undefined && list.data.topics.length > 0 && <TopicTable topics={list.data.topics} />}
    </>
  );
}

function TopicTable(props: { topics: readonly TopicSummary[] }): JSX.Element {
  return (
    <table class="topics" aria-label="Topics">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Type</th>
          <th scope="col">Display name</th>
          <th scope="col" class="num">
            Subscriptions
          </th>
        </tr>
      </thead>
      <tbody>
        {props.topics.map((topic) => (
          <tr key={topic.name} data-topic={topic.name}>
            <th scope="row" class="topic-name">
              <Link to={{ view: 'topic', name: topic.name }}>{topic.name}</Link>
            </th>
            <td>
              <span class="badge">{topic.fifo ? 'FIFO' : 'Standard'}</span>
            </td>
            <td>{topic.displayName}</td>
            <td class="num">{formatCount(topic.subscriptionCount)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One topic: its subscriptions with their filter policies (shown as text), and its attributes. */
export function TopicPage(props: { name: string }): JSX.Element {
  const { name } = props;
  useEffect(() => {
    document.title = `${name} · Topics`;
  }, [name]);
  const detail = usePoll(() => api.topic(name), name, POLL_MS);
  const topic = detail.data;
  return (
    <>
      <p class="crumbs">
        <Link to={{ view: 'topics' }}>Topics</Link> /
      </p>
      <h1>
        {name} {topic !== undefined && <span class="badge">{topic.fifo ? 'FIFO' : 'Standard'}</span>}
      </h1>
      <ErrorBox error={detail.error} />
      {topic === undefined && detail.error === undefined && <p class="muted">Loading…</p>}
      {topic !== undefined && (
        <>
          <p class="mono muted">{topic.arn}</p>
          <section class="panel" aria-labelledby="subscriptions-title">
            <h2 id="subscriptions-title">Subscriptions ({formatCount(topic.subscriptionCount)})</h2>
            {topic.subscriptions.length === 0 && <p class="muted">No subscriptions.</p>}
            {topic.subscriptions.map((subscription) => (
              <Subscription key={subscription.subscriptionArn} subscription={subscription} />
            ))}
          </section>
          <TopicAttributes topic={topic} />
        </>
      )}
    </>
  );
}

function Subscription(props: { subscription: TopicSubscription }): JSX.Element {
  const { subscription } = props;
  return (
    <article class="subscription" data-subscription={subscription.subscriptionArn}>
      <h3>
        {subscription.protocol} →{' '}
        {subscription.queueName === undefined ? (
          <span class="mono">{subscription.endpoint}</span>
        ) : (
          <Link to={{ view: 'queue', name: subscription.queueName }}>{subscription.queueName}</Link>
        )}
        {subscription.rawMessageDelivery && <span class="badge">raw</span>}
      </h3>
      <table>
        <tbody>
          <tr>
            <th scope="row">Subscription ARN</th>
            <td class="mono">{subscription.subscriptionArn}</td>
          </tr>
          <tr>
            <th scope="row">Endpoint</th>
            <td class="mono">{subscription.endpoint}</td>
          </tr>
          <tr>
            <th scope="row">Raw message delivery</th>
            <td>{subscription.rawMessageDelivery ? 'yes' : 'no'}</td>
          </tr>
          <tr>
            <th scope="row">Dead-letter queue</th>
            <td>
              {subscription.deadLetterQueueName !== undefined ? (
                <Link to={{ view: 'queue', name: subscription.deadLetterQueueName }}>
                  {subscription.deadLetterQueueName}
                </Link>
              ) : (
                <span class="mono">{subscription.deadLetterTargetArn ?? 'none'}</span>
              )}
            </td>
          </tr>
          <tr>
            <th scope="row">Created</th>
            <td>{formatTime(subscription.createdMs)}</td>
          </tr>
        </tbody>
      </table>
      {subscription.filterPolicy === undefined ? (
        <p class="muted">No filter policy: every message is delivered.</p>
      ) : (
        <>
          <p class="filter-scope">
            Filter policy, on the message's{' '}
            {subscription.filterPolicyScope === 'MessageBody' ? 'body' : 'attributes'}:
          </p>
          <pre class="filter-policy">{subscription.filterPolicy}</pre>
        </>
      )}
    </article>
  );
}

function TopicAttributes(props: { topic: TopicDetail }): JSX.Element {
  const { topic } = props;
  return (
    <details class="panel attributes">
      <summary>
        <h2>Attributes and tags</h2>
      </summary>
      <table>
        <tbody>
          <tr>
            <th scope="row">Created</th>
            <td>{formatTime(topic.createdMs)}</td>
          </tr>
          {Object.entries(topic.attributes)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([name, value]) => (
              <tr key={name}>
                <th scope="row">{name}</th>
                <td class="mono">{value}</td>
              </tr>
            ))}
          {Object.entries(topic.tags).map(([name, value]) => (
            <tr key={`tag:${name}`}>
              <th scope="row">tag {name}</th>
              <td class="mono">{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
