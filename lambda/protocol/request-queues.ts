import { type Permission, permissionFor } from '../auth/policy.js';
import { decodeTaskHandle } from '../engine/move-tasks.js';
import { queueNameOfArn } from '../engine/redrive-policy.js';
import type { WireFields } from './fields.js';
import { parseQueueUrl } from './queue-url.js';

/** A permission a request needs on one queue. */
export interface QueueAccess {
  readonly permission: Permission;
  /** The queue the request names; undefined when its parameters name none this service could hold. */
  readonly queueName: string | undefined;
}

/** Where this service's queue names and ARNs point. */
export interface QueueScope {
  readonly accountId: string;
  readonly region: string;
}

/**
 * The permissions a request needs, read from its parameters alone and never from storage, so an authorisation
 * decision is the same for a queue that exists and one that does not. The first entry is the queue the request
 * is about (the one a log line names); StartMessageMoveTask with a DestinationArn also needs SendMessage on the
 * destination, since the task sends the messages there. ListQueues needs no queue and gets an empty list.
 */
export function requiredAccess(action: string, fields: WireFields, scope: QueueScope): QueueAccess[] {
  const permission = permissionFor(action);
  if (permission === undefined || permission === 'ListQueues') return [];
  switch (permission) {
    case 'CreateQueue':
    case 'GetQueueUrl':
      return [{ permission, queueName: read(() => fields.string('QueueName')) }];
    case 'StartMessageMoveTask': {
      const access: QueueAccess[] = [{ permission, queueName: arnQueue(fields, 'SourceArn', scope) }];
      const destination = read(() => fields.string('DestinationArn'));
      if (destination) {
        access.push({
          permission: 'SendMessage',
          queueName: queueNameOfArn(destination, scope.accountId, scope.region),
        });
      }
      return access;
    }
    case 'ListMessageMoveTasks':
      return [{ permission, queueName: arnQueue(fields, 'SourceArn', scope) }];
    case 'CancelMessageMoveTask': {
      // A handle names its dead-letter queue (see encodeTaskHandle); one that does not decode names no queue.
      const handle = read(() => fields.string('TaskHandle'));
      const sourceArn = handle === undefined ? undefined : decodeTaskHandle(handle)?.sourceArn;
      return [
        {
          permission,
          queueName:
            sourceArn === undefined ? undefined : queueNameOfArn(sourceArn, scope.accountId, scope.region),
        },
      ];
    }
    default:
      return [{ permission, queueName: urlQueue(fields, scope) }];
  }
}

function urlQueue(fields: WireFields, scope: QueueScope): string | undefined {
  const queueUrl = read(() => fields.string('QueueUrl'));
  return queueUrl === undefined ? undefined : read(() => parseQueueUrl(queueUrl, scope.accountId));
}

function arnQueue(fields: WireFields, name: string, scope: QueueScope): string | undefined {
  const arn = read(() => fields.string(name));
  return arn === undefined ? undefined : queueNameOfArn(arn, scope.accountId, scope.region);
}

/**
 * A parameter of the wrong type (or a URL that names no queue) names no queue here; the action's own decoder
 * then answers with the error it always gives, after the authorisation check.
 */
function read<T>(get: () => T): T | undefined {
  try {
    return get();
  } catch {
    return undefined;
  }
}
