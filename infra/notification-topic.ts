import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { componentType } from './component-type';

export interface NotificationTopicArgs {
  /** Given: an email subscription (AWS mails a confirmation link first). */
  notificationEmail: string | undefined;
}

/** The SNS topic the auditor publishes its run summary to, with an optional email subscription. */
export class NotificationTopic extends pulumi.ComponentResource {
  readonly topic: aws.sns.Topic;
  readonly topicArn: pulumi.Output<string>;
  readonly emailSubscription: aws.sns.TopicSubscription | undefined;

  constructor(name: string, args: NotificationTopicArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentType('notifications', 'NotificationTopic'), name, {}, opts);
    const parent = { parent: this };
    this.topic = new aws.sns.Topic(`${name}-topic`, {
      namePrefix: 'iam-audit-',
      displayName: 'IAM audit',
      // Encrypted at rest with the AWS managed key, which lets principals of this account publish.
      kmsMasterKeyId: 'alias/aws/sns',
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
