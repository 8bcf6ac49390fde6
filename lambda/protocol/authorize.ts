import type { Caller } from '../auth/authenticator.js';
import { isAllowed, listableQueues, type Permission, permissionFor } from '../auth/policy.js';
import { SqsError } from '../engine/errors.js';
import { queueArnOf } from '../engine/redrive-policy.js';
import type { SqsEngine } from '../engine/types.js';
import type { WireFields } from './fields.js';
import { type QueueScope, requiredAccess } from './request-queues.js';

/**
 * Checks the caller's policy for one request, before the engine sees it, and returns the engine the action may
 * use: for a ListQueues limited to some queue patterns, one whose listing leaves the other queues out. Throws
 * AccessDenied, with the same answer whether or not the named queue exists.
 */
export function authorize(
  caller: Caller,
  action: string,
  fields: WireFields,
  engine: SqsEngine,
  scope: QueueScope,
): SqsEngine {
  const permission = permissionFor(action);
  // An action SQS does not have was answered as InvalidAction before this point.
  if (permission === undefined) return engine;
  if (permission === 'ListQueues') {
    const listable = listableQueues(caller.policy);
    if (listable === undefined) {
      throw accessDenied(caller, permission, `arn:aws:sqs:${scope.region}:${scope.accountId}:`, scope);
    }
    return listable === 'all' ? engine : withListedQueues(engine, listable);
  }
  for (const access of requiredAccess(action, fields, scope)) {
    if (!isAllowed(caller.policy, access.permission, access.queueName)) {
      throw accessDenied(
        caller,
        access.permission,
        queueArnOf(access.queueName ?? '*', scope.accountId, scope.region),
        scope,
      );
    }
  }
  return engine;
}

/** AWS's wording: "User: <principal> is not authorized to perform: sqs:<action> on resource: <arn> because ...". */
function accessDenied(caller: Caller, permission: Permission, resource: string, scope: QueueScope): SqsError {
  const action = `sqs:${permission.toLowerCase()}`;
  return new SqsError(
    'AccessDenied',
    `User: arn:aws:iam::${scope.accountId}:user/${caller.name} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`,
  );
}

/** The engine with ListQueues filtered to the queues `listable` accepts; every other call goes straight through. */
function withListedQueues(engine: SqsEngine, listable: (queueName: string) => boolean): SqsEngine {
  return new Proxy(engine, {
    get(target, property) {
      if (property === 'listQueues') {
        return async (...args: Parameters<SqsEngine['listQueues']>) => {
          const page = await target.listQueues(...args);
          return { ...page, queueNames: page.queueNames.filter(listable) };
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
