import { RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  DomainName as HttpDomainName,
  HttpStage,
  LogGroupLogDestination,
  PayloadFormatVersion,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/** A custom domain for the service's endpoint. */
export interface QueueServiceDomainProps {
  /** The domain clients call: `sqs.example.com`. Point a CNAME or alias record at the `DomainTarget` output. */
  readonly domainName: string;
  /** An ACM certificate for the domain, in the stack's region (a regional endpoint). */
  readonly certificate: ICertificate;
}

/**
 * One JSON line per request, with the HTTP API's own `$context` variables: who called, what came back, and
 * where the time went. SQS bodies and headers (signatures) are not available to access logs, and not wanted.
 */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  requestTime: '$context.requestTime',
  method: '$context.httpMethod',
  path: '$context.path',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationStatus: '$context.integrationStatus',
  integrationError: '$context.integrationErrorMessage',
  domainName: '$context.domainName',
};

export interface ServiceApiProps {
  readonly requestFunction: IFunction;
  readonly logRetention: RetentionDays;
  /** @default - the execute-api endpoint only */
  readonly domain?: QueueServiceDomainProps;
}

/**
 * The HTTP API in front of the request function, made in `scope` itself (its construct IDs are the
 * service's): every method and path to the function, the `$default` stage with access logs, and the custom
 * domain when there is one. No CORS (SQS clients are not browsers) and API Gateway's default throttling.
 */
export function createHttpApi(
  scope: Construct,
  props: ServiceApiProps,
): { readonly api: HttpApi; readonly domainName?: HttpDomainName } {
  const api = new HttpApi(scope, 'Api', {
    description: 'SQS-compatible endpoint',
    // Every method and path goes to the function, which answers SQS's own errors for the ones it refuses.
    // The integration keeps HTTP API's default and maximum timeout, 30 s, above the function's 29 s.
    defaultIntegration: new HttpLambdaIntegration('Request', props.requestFunction, {
      payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
    }),
    // The stage below replaces it: a default stage cannot have access logs.
    createDefaultStage: false,
  });
  const domainName =
    props.domain &&
    new HttpDomainName(scope, 'DomainName', {
      domainName: props.domain.domainName,
      certificate: props.domain.certificate,
    });
  const accessLogs = new LogGroup(scope, 'AccessLogs', {
    retention: props.logRetention,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  // `$default`, auto-deployed: any other stage name would be the first segment of every path, where the
  // runtime expects the account id of a queue URL.
  new HttpStage(scope, 'DefaultStage', {
    httpApi: api,
    stageName: '$default',
    autoDeploy: true,
    accessLogSettings: {
      destination: new LogGroupLogDestination(accessLogs),
      format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
    },
    ...(domainName ? { domainMapping: { domainName } } : {}),
  });
  return domainName ? { api, domainName } : { api };
}
