import { readFileSync } from 'node:fs';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import { QueueServiceStack, type QueueServiceStackProps } from '../../lib/queue-service-stack.js';

/**
 * An app whose stacks skip esbuild: the template tests need the functions' settings, not their code, and
 * bundling three functions takes most of a minute. bundling.test.ts bundles for real.
 */
export function appWithoutBundling(): App {
  return new App({ context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
}

/** The feature flags `cdk synth` passes the app from cdk.json, so the tests see the templates it deploys. */
const CDK_JSON_CONTEXT: Record<string, unknown> = JSON.parse(
  readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'),
).context;

/**
 * Synthesizing a service stack takes a second or two alone, but tens of seconds on two cores shared with
 * other test files: tests that synthesize get this instead of the suite's 30 s.
 */
export const SYNTH_TIMEOUT_MS = 120_000;

/** The account and region of stacks whose props hold resources: a customer managed table key needs a region. */
export const ENV = { account: '123456789012', region: 'eu-west-1' };

export interface SynthesizedService {
  readonly stack: QueueServiceStack;
  readonly template: Template;
}

/**
 * The service stack of a new app. Props that hold resources (a key, a certificate) are made by a function,
 * given a stack of the same app to make them in.
 */
export function synthService(
  props: QueueServiceStackProps | ((shared: Stack) => QueueServiceStackProps) = {},
): SynthesizedService {
  const app = appWithoutBundling();
  const shared = new Stack(app, 'Shared', { env: ENV });
  // An imported certificate leaves it without resources, which CloudFormation's own checks warn about.
  Validations.of(shared).acknowledge({ id: 'CloudFormation-Validate::F0001', reason: 'Holds imports only' });
  const stackProps = typeof props === 'function' ? { env: ENV, ...props(shared) } : props;
  const stack = new QueueServiceStack(app, 'Test', stackProps);
  return { stack, template: Template.fromStack(stack) };
}

/** Every statement of every policy attached to `role`, as the template has them. */
export function statementsOf({ stack, template }: SynthesizedService, role: IRole): unknown[] {
  const roleRef = stack.resolve(role.roleName);
  const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
    JSON.stringify(policy.Properties.Roles).includes(JSON.stringify(roleRef)),
  );
  return policies.flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

/** The template's value for a token: `{ Ref: ... }`, `{ 'Fn::GetAtt': [...] }`. */
export function resolved({ stack }: SynthesizedService, value: unknown): unknown {
  return stack.resolve(value);
}
