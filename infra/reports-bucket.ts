import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { componentType } from './component-type';
import { REPORTS_PREFIX, tlsOnlyBucketPolicy } from './policies';

export interface ReportsBucketArgs {
  /** Days a report stays current before it expires. */
  reportRetentionDays: number;
  /** Days an overwritten or expired report version is kept before it is deleted for good. */
  noncurrentReportRetentionDays: number;
  /** Given: the exemptions file, uploaded to this key (outside `reports/`, so it never expires). */
  exemptions?: { key: string; text: string };
}

/** The private, versioned bucket the auditor writes its reports to, under `reports/`. */
export class ReportsBucket extends pulumi.ComponentResource {
  readonly bucket: aws.s3.Bucket;
  readonly bucketName: pulumi.Output<string>;
  readonly bucketArn: pulumi.Output<string>;
  /** `s3://<bucket>/reports/`: the auditor adds `<YYYY>/<MM>/<DD>/<ts>/` per run. */
  readonly reportsS3Uri: pulumi.Output<string>;
  /** The exemptions file the auditor reads, when the deployment uploads it. */
  readonly exemptionsObject: aws.s3.BucketObjectv2 | undefined;

  constructor(name: string, args: ReportsBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentType('reports', 'ReportsBucket'), name, {}, opts);
    const parent = { parent: this };

    this.bucket = new aws.s3.Bucket(name, { bucketPrefix: 'iam-audit-reports-' }, parent);
    const bucket = this.bucket.id;

    new aws.s3.BucketOwnershipControls(`${name}-ownership`, {
      bucket, rule: { objectOwnership: 'BucketOwnerEnforced' },
    }, parent);
    const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(`${name}-public-access`, {
      bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
    }, parent);
    new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-encryption`, {
      bucket, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' }, bucketKeyEnabled: true }],
    }, parent);
    const versioning = new aws.s3.BucketVersioning(`${name}-versioning`, {
      bucket, versioningConfiguration: { status: 'Enabled' },
    }, parent);
    new aws.s3.BucketLifecycleConfiguration(`${name}-lifecycle`, {
      bucket,
      rules: [
        {
          id: 'expire-reports',
          status: 'Enabled',
          filter: { prefix: REPORTS_PREFIX },
          expiration: { days: args.reportRetentionDays },
          noncurrentVersionExpiration: { noncurrentDays: args.noncurrentReportRetentionDays },
        },
        {
          id: 'clean-up-incomplete-uploads-and-delete-markers',
          status: 'Enabled',
          filter: {},
          abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
          expiration: { expiredObjectDeleteMarker: true },
        },
      ],
    }, { parent: this, dependsOn: [versioning] });
    // The public access block must exist first, or S3 may judge the policy against an open bucket.
    new aws.s3.BucketPolicy(`${name}-tls-only`, {
      bucket,
      policy: this.bucket.arn.apply((arn) => JSON.stringify(tlsOnlyBucketPolicy(arn))),
    }, { parent: this, dependsOn: [publicAccessBlock] });

    if (args.exemptions !== undefined) {
      // The text the deployment checked, not the file as it is when the upload runs.
      this.exemptionsObject = new aws.s3.BucketObjectv2(`${name}-exemptions`, {
        bucket,
        key: args.exemptions.key,
        content: args.exemptions.text,
        contentType: 'application/yaml',
      }, parent);
    }

    this.bucketName = this.bucket.bucket;
    this.bucketArn = this.bucket.arn;
    this.reportsS3Uri = pulumi.interpolate`s3://${this.bucket.bucket}/${REPORTS_PREFIX}`;
    this.registerOutputs({ bucketName: this.bucketName, reportsS3Uri: this.reportsS3Uri });
  }
}
