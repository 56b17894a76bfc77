import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { componentType } from './component-type';
import {
  CREDENTIAL_ALERT_KINDS, CREDENTIAL_ALERT_RULE_NAME, credentialAlertKindPattern, credentialAlertPattern, credentialAlertTransformer,
} from './credential-alert-rule';
import { alertTopicPolicy, centralEventBusPolicy, putEventsPolicy, serviceTrustPolicy } from './policies';

export const CENTRAL_EVENT_BUS_NAME = 'iam-audit-credential-alerts';

export interface CredentialAlertsArgs {
  organizationId: pulumi.Input<string>;
  /** The notification topic the alerts are published to (it must take EventBridge's encryption). */
  topicArn: pulumi.Input<string>;
  accountId: pulumi.Input<string>;
  /** Where IAM's events arrive (us-east-1 in the aws partition): the deploying account's own rule lives there. */
  alertRegion: string;
  /**
   * Forward the deploying account's own events too. StackSets never deploy to the management
   * account, so it needs its own rule; a delegated administrator is a member and gets the
   * StackSet's rule instead.
   */
  forwardDeployingAccount: boolean;
}

/**
 * The credential alerts' central side, in the deploying account and region: the event bus every
 * account's rule forwards to (open to the organization only), a rule per kind of alert from there to
 * the notification topic with a readable message, the topic policy that lets EventBridge publish, and
 * the deploying account's own forwarding rule in IAM's events region.
 */
export class CredentialAlerts extends pulumi.ComponentResource {
  readonly bus: aws.cloudwatch.EventBus;
  readonly busArn: pulumi.Output<string>;
  readonly rules: aws.cloudwatch.EventRule[];

  constructor(name: string, args: CredentialAlertsArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentType('alerts', 'CredentialAlerts'), name, {}, opts);
    const parent = { parent: this };

    this.bus = new aws.cloudwatch.EventBus(`${name}-bus`, {
      name: CENTRAL_EVENT_BUS_NAME,
      description: 'IAM Audit Kit: credential events forwarded from every account of the organization',
    }, parent);
    this.busArn = this.bus.arn;
    new aws.cloudwatch.EventBusPolicy(`${name}-bus-policy`, {
      eventBusName: this.bus.name,
      policy: pulumi.all([this.bus.arn, args.organizationId]).apply(([busArn, organizationId]) =>
        JSON.stringify(centralEventBusPolicy(busArn, organizationId))),
    }, parent);

    this.rules = CREDENTIAL_ALERT_KINDS.map((kind) => {
      const rule = new aws.cloudwatch.EventRule(`${name}-${kind.id}`, {
        name: `iam-audit-${kind.id}`,
        description: `IAM Audit Kit credential alert: ${kind.id}`,
        eventBusName: this.bus.name,
        eventPattern: JSON.stringify(credentialAlertKindPattern(kind)),
      }, parent);
      const transformer = credentialAlertTransformer(kind);
      new aws.cloudwatch.EventTarget(`${name}-${kind.id}-to-topic`, {
        rule: rule.name,
        eventBusName: this.bus.name,
        targetId: 'notification-topic',
        arn: args.topicArn,
        inputTransformer: { inputPaths: transformer.inputPaths, inputTemplate: transformer.inputTemplate },
      }, parent);
      return rule;
    });

    new aws.sns.TopicPolicy(`${name}-topic-policy`, {
      arn: args.topicArn,
      policy: pulumi.all([args.topicArn, ...this.rules.map((rule) => rule.arn)]).apply(([topicArn, ...ruleArns]) =>
        JSON.stringify(alertTopicPolicy(topicArn, ruleArns))),
    }, parent);

    if (args.forwardDeployingAccount) {
      // The same rule the member template creates, for the deploying account's own events.
      const iamEvents = new aws.Provider(`${name}-${args.alertRegion}`, {
        region: args.alertRegion as aws.Region,
        ...providerSettingsOfTheStack(),
      }, parent);
      const forwarder = new aws.iam.Role(`${name}-forwarder`, {
        description: 'IAM Audit Kit: lets the credential alert rule put its events on the central bus',
        assumeRolePolicy: pulumi.output(args.accountId).apply((accountId) => JSON.stringify(serviceTrustPolicy('events.amazonaws.com', accountId))),
        tags: { 'iam-audit-kit': 'credential-alerts' },
      }, parent);
      new aws.iam.RolePolicy(`${name}-forwarder-policy`, {
        role: forwarder.name,
        policy: this.bus.arn.apply((busArn) => JSON.stringify(putEventsPolicy(busArn))),
      }, parent);
      const forwarding = new aws.cloudwatch.EventRule(`${name}-deploying-account`, {
        name: CREDENTIAL_ALERT_RULE_NAME,
        description: 'IAM Audit Kit: credential events of this account, forwarded to the central bus',
        eventPattern: JSON.stringify(credentialAlertPattern()),
      }, { parent: this, provider: iamEvents });
      new aws.cloudwatch.EventTarget(`${name}-deploying-account-to-bus`, {
        rule: forwarding.name,
        targetId: 'central-bus',
        arn: this.bus.arn,
        roleArn: forwarder.arn,
      }, { parent: this, provider: iamEvents });
    }

    this.registerOutputs({ busArn: this.busArn });
  }
}

/** The stack's own `aws:` credentials settings, which an explicit provider does not read by itself. */
function providerSettingsOfTheStack(): Pick<aws.ProviderArgs, 'profile' | 'sharedConfigFiles' | 'sharedCredentialsFiles'> {
  const config = new pulumi.Config('aws');
  const profile = config.get('profile');
  const sharedConfigFiles = config.getObject<string[]>('sharedConfigFiles');
  const sharedCredentialsFiles = config.getObject<string[]>('sharedCredentialsFiles');
  return {
    ...(profile === undefined ? {} : { profile }),
    ...(sharedConfigFiles === undefined ? {} : { sharedConfigFiles }),
    ...(sharedCredentialsFiles === undefined ? {} : { sharedCredentialsFiles }),
  };
}
