import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type App, Stack, Validations } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { ExampleStack } from '../../lib/example-stack.js';
import { QueueServiceStack } from '../../lib/queue-service-stack.js';
import { appWithoutBundling, ENV, SYNTH_TIMEOUT_MS } from './synth.js';

interface ValidationReport {
  readonly pluginReports: readonly {
    readonly pluginName: string;
    readonly violations: readonly { readonly ruleName: string; readonly severity: string }[];
  }[];
}

/**
 * Synthesizes the app with the AwsSolutions pack, as bin/app.ts does: any finding (error or warning) that is
 * not acknowledged makes synthesis throw, with the report in the message.
 */
function synthWithNag(app: App): ValidationReport | undefined {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const assembly = app.synth();
  try {
    return JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

function nagViolations(report: ValidationReport | undefined): string[] {
  return (report?.pluginReports ?? [])
    .filter((plugin) => plugin.pluginName === 'AwsSolutions')
    .flatMap((plugin) => plugin.violations.map((v) => `${v.severity} ${v.ruleName}`));
}

describe('cdk-nag AwsSolutions checks', { timeout: SYNTH_TIMEOUT_MS }, () => {
  it('finds nothing unacknowledged in the service stack and the example stack', () => {
    const app = appWithoutBundling();
    const { service } = new QueueServiceStack(app, 'QueueService');
    new ExampleStack(app, 'QueueServiceExample', { service });

    expect(nagViolations(synthWithNag(app))).toEqual([]);
  });

  it('finds nothing unacknowledged with every optional feature on', () => {
    const app = appWithoutBundling();
    const shared = new Stack(app, 'Shared', { env: ENV });
    new QueueServiceStack(app, 'QueueService', {
      env: ENV,
      table: { encryptionKey: new Key(shared, 'TableKey', { enableKeyRotation: true }) },
      accessKeyEncryptionKey: new Key(shared, 'AccessKeyKey', { enableKeyRotation: true }),
      domain: {
        domainName: 'sqs.example.com',
        certificate: Certificate.fromCertificateArn(
          shared,
          'Certificate',
          'arn:aws:acm:eu-west-1:1:certificate/x',
        ),
      },
      alarmActions: [new SnsAction(new Topic(shared, 'Pager', { enforceSSL: true }))],
      accountId: '123456789012',
      shards: 8,
    });

    expect(nagViolations(synthWithNag(app))).toEqual([]);
  });

  it('reports a finding nobody acknowledged, so the checks above can fail', () => {
    const app = appWithoutBundling();
    const stack = new Stack(app, 'Unchecked');
    new Key(stack, 'KeyWithoutRotation');

    expect(() => synthWithNag(app)).toThrow(/AwsSolutions-KMS5/);
  });
});
