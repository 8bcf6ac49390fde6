import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IAlarmAction,
  Stats,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { type IRole, Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ServiceFunction } from './service-function.js';

/** The dispatcher's timeout: Lambda's longest, so a consumer function with a long timeout still fits a batch. */
export const DISPATCHER_TIMEOUT = Duration.minutes(15);

export interface ConsumerDispatchProps {
  /** The environment every function of the service shares (table, account, metrics namespace, log level). */
  readonly environment: Record<string, string>;
  readonly logRetention: RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
  /** The functions that kick the dispatcher: the request function after sends, the background job every minute. */
  readonly kickers: readonly ServiceFunction[];
  /** @default - no actions */
  readonly alarmActions?: readonly IAlarmAction[];
}

/**
 * What runs the service's Lambda consumers (docs/design.md, "Consumers on AWS"): the dispatcher function, the
 * permission of the request and background functions to invoke it (and nothing else), and an alarm on its
 * crashes. It exists in every service, consumers or not: a function nobody invokes costs nothing, and a
 * `QueueEventSource` in a stack deployed later needs no change to the service's functions. Each
 * `QueueEventSource` grants the dispatcher `lambda:InvokeFunction` on its own function, in its own stack.
 */
export class ConsumerDispatch extends Construct {
  readonly dispatcher: ServiceFunction;
  /** The role consumers' functions are invoked with. */
  readonly dispatcherRole: IRole;
  /** The dispatcher crashed or timed out (not a consumer's failure: those are the consumers' own metrics). */
  readonly dispatcherErrorsAlarm: Alarm;

  constructor(scope: Construct, id: string, props: ConsumerDispatchProps) {
    super(scope, id);
    this.dispatcher = new ServiceFunction(this, 'Dispatcher', {
      entry: 'dispatcher',
      description:
        "SQS-compatible service: invokes the queues' Lambda consumers with batches, as event source mappings do",
      // It mostly waits for consumers' invocations; 256 MB holds a 6 MB batch in its several forms with room.
      memorySize: 256,
      timeout: DISPATCHER_TIMEOUT,
      environment: props.environment,
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
    });
    this.dispatcherRole = this.dispatcher.role;
    const dispatcherFunction = this.dispatcher.function;
    for (const kicker of props.kickers) {
      kicker.function.addEnvironment('DISPATCHER_FUNCTION_NAME', dispatcherFunction.functionName);
      kicker.role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ['lambda:InvokeFunction'],
          resources: [dispatcherFunction.functionArn],
        }),
      );
    }
    // A dispatcher whose time runs out hands on to a fresh invocation of itself. Not the role's default policy,
    // which the function depends on: that would be a cycle.
    new Policy(this, 'HandOn', {
      roles: [this.dispatcher.role],
      statements: [
        new PolicyStatement({
          actions: ['lambda:InvokeFunction'],
          resources: [dispatcherFunction.functionArn],
        }),
      ],
    });
    // A kick is worth sending again only soon: the background job kicks every minute anyway.
    dispatcherFunction.configureAsyncInvoke({ retryAttempts: 1, maxEventAge: Duration.minutes(5) });

    this.dispatcherErrorsAlarm = new Alarm(this, 'DispatcherErrors', {
      alarmDescription: "The consumers' dispatcher crashed or timed out",
      metric: dispatcherFunction.metricErrors({ period: Duration.minutes(5), statistic: Stats.SUM }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    for (const action of props.alarmActions ?? []) this.dispatcherErrorsAlarm.addAlarmAction(action);
  }
}
