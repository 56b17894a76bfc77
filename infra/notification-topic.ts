import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { componentType } from './component-type';
import { notificationKeyPolicy } from './policies';

export interface NotificationTopicArgs {
  /** Given: an email subscription (AWS mails a confirmation link first). */
  notificationEmail: string | undefined;
  /**
   * Given: EventBridge publishes to the topic too (credential alerts). EventBridge cannot use the
   * AWS managed key `alias/aws/sns`, so the topic gets a key of its own whose policy lets it.
   */
  eventBridgePublishes?: { accountId: pulumi.Input<string>; partition: pulumi.Input<string>; region: pulumi.Input<string> };
}

/** The SNS topic the auditor publishes its run summary to (and the credential alerts go to), with an optional email subscription. */
export class NotificationTopic extends pulumi.ComponentResource {
  readonly topic: aws.sns.Topic;
  readonly topicArn: pulumi.Output<string>;
  readonly emailSubscription: aws.sns.TopicSubscription | undefined;
  readonly key: aws.kms.Key | undefined;

  constructor(name: string, args: NotificationTopicArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentType('notifications', 'NotificationTopic'), name, {}, opts);
    const parent = { parent: this };
    const publishers = args.eventBridgePublishes;
    this.key = publishers === undefined ? undefined : new aws.kms.Key(`${name}-key`, {
      description: 'IAM Audit Kit: encrypts the notification topic, which EventBridge publishes credential alerts to',
      enableKeyRotation: true,
      policy: pulumi.all([publishers.accountId, publishers.partition, publishers.region]).apply(([accountId, partition, region]) =>
        JSON.stringify(notificationKeyPolicy({ accountId, partition, region }))),
    }, parent);
    this.topic = new aws.sns.Topic(`${name}-topic`, {
      namePrefix: 'iam-audit-',
      displayName: 'IAM audit',
      // Encrypted at rest: with the AWS managed key, which lets principals of this account publish,
      // or with the topic's own key when EventBridge publishes too.
      kmsMasterKeyId: this.key === undefined ? 'alias/aws/sns' : this.key.arn,
    }, parent);
    this.topicArn = this.topic.arn;
    this.emailSubscription = args.notificationEmail === undefined ? undefined : new aws.sns.TopicSubscription(`${name}-email`, {
      topic: this.topic.arn,
      protocol: 'email',
      endpoint: args.notificationEmail,
    }, parent);
    this.registerOutputs({ topicArn: this.topicArn });
  }
}
