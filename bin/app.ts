import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ExampleStack } from '../lib/example-stack.js';
import { QueueServiceStack } from '../lib/index.js';

const app = new App();
const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
const { service } = new QueueServiceStack(app, 'QueueService', { env });
// `-c example=true` adds the README's example queues, in a stack of their own.
if (String(app.node.tryGetContext('example')) === 'true') {
  new ExampleStack(app, 'QueueServiceExample', { env, service });
}
// Synth fails on any finding: each is fixed, or acknowledged with its reason where the resource is made.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
