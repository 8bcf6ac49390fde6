import { App } from 'aws-cdk-lib';
import { QueueServiceStack } from '../lib/queue-service-stack.js';

const app = new App();
new QueueServiceStack(app, 'QueueService', {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
