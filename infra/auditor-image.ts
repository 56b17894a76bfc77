import * as aws from '@pulumi/aws';
import * as dockerBuild from '@pulumi/docker-build';
import * as pulumi from '@pulumi/pulumi';
import * as path from 'path';
import { componentType } from './component-type';
import { imageSourceTag } from './image-source-tag';
import { ecrRepositoryArnOfImage } from './policies';

export interface AuditorImageArgs {
  /** A ready image; when absent the image is built from auditor/Dockerfile and pushed to a new ECR repository. */
  imageUri: string | undefined;
  partition: pulumi.Input<string>;
}

const REPOSITORY_ROOT = path.join(__dirname, '..');

/** The auditor's container image: built from this repository and pushed to its own ECR repository, or a given one. */
export class AuditorImage extends pulumi.ComponentResource {
  /** What the task runs; a built image is pinned by digest. */
  readonly imageUri: pulumi.Output<string>;
  /** The ECR repository the task pulls from; undefined for a given image outside ECR. */
  readonly repositoryArn: pulumi.Output<string | undefined>;
  readonly repository: aws.ecr.Repository | undefined;
  readonly image: dockerBuild.Image | undefined;

  constructor(name: string, args: AuditorImageArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentType('auditor', 'AuditorImage'), name, {}, opts);
    const parent = { parent: this };

    if (args.imageUri !== undefined) {
      const imageUri = args.imageUri;
      this.imageUri = pulumi.output(imageUri);
      this.repositoryArn = pulumi.output(args.partition).apply((partition) => ecrRepositoryArnOfImage(imageUri, partition));
      this.repository = undefined;
      this.image = undefined;
    } else {
      const repository = new aws.ecr.Repository(`${name}-image`, {
        imageScanningConfiguration: { scanOnPush: true },
        imageTagMutability: 'IMMUTABLE',
        encryptionConfigurations: [{ encryptionType: 'AES256' }],
        // The images are rebuilt from source at will; `pulumi destroy` should not stop at them.
        forceDelete: true,
      }, parent);
      const registryLogin = aws.ecr.getAuthorizationTokenOutput({ registryId: repository.registryId }, parent);
      const image = new dockerBuild.Image(`${name}-image`, {
        context: { location: REPOSITORY_ROOT },
        dockerfile: { location: path.join(REPOSITORY_ROOT, 'auditor', 'Dockerfile') },
        platforms: ['linux/amd64'],
        push: true,
        tags: [pulumi.interpolate`${repository.repositoryUrl}:${imageSourceTag(REPOSITORY_ROOT)}`],
        registries: [{
          address: repository.repositoryUrl,
          username: registryLogin.userName,
          password: pulumi.secret(registryLogin.password),
        }],
      }, parent);
      // Pinned by digest, so a task always runs exactly the image this deployment built.
      this.imageUri = pulumi.interpolate`${repository.repositoryUrl}@${image.digest}`;
      this.repositoryArn = repository.arn;
      this.repository = repository;
      this.image = image;
    }
    this.registerOutputs({ imageUri: this.imageUri });
  }
}
