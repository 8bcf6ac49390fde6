import { UnsupportedOperation } from '../../engine/errors.js';
import type { Action } from './action.js';

/** SQS actions this service does not offer yet: they answer in SQS's error shape instead of as unknown actions. */
export const UNSUPPORTED_ACTION_NAMES = ['AddPermission', 'RemovePermission'] as const;

/** An action that exists in SQS but not here: `UnsupportedOperation` (400), whatever the parameters. */
export function unsupportedAction(name: string): Action {
  const fail = () => Promise.reject(new UnsupportedOperation(`${name} is not supported by this service.`));
  return { name, json: fail, query: fail };
}
