import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { componentType } from './component-type';
import { AUDIT_ROLE_TEMPLATE_PARAMETERS, renderAuditRoleTemplate } from './audit-role-template';
import { StackSetCallAs } from './config';
import { AUDIT_ROLE } from './audit-role';

export interface AuditRoleRolloutArgs {
  auditRoleName: string;
  /** The auditor task role's ARN, plus any extra principals; known only once the task role exists. */
  trustedPrincipalArns: pulumi.Input<pulumi.Input<string>[]>;
  organizationId: pulumi.Input<string>;
  /** OU or root ids that receive the role; every account below them, now and later. */
  targetIds: pulumi.Input<string>[];
  stackSetRegion: string;
  callAs: StackSetCallAs;
  /**
   * Create the role directly in the account running `pulumi up`. StackSets never deploy to the
   * management account, so this is how it gets the role; a delegated administrator is a member
   * account and receives it through the StackSet instead.
   */
  createRoleInDeployingAccount: boolean;
  /**
   * Given: every member account also gets the credential alert rule, forwarding to this bus. The
   * rule must live in IAM's events region; when that is not `stackSetRegion`, the StackSet deploys
   * there too, and the template creates the role in `stackSetRegion` only.
   */
  credentialAlerts?: { centralEventBusArn: pulumi.Input<string>; alertRegion: string };
}

// Every region at once (one here), and accounts in parallel; a few broken accounts do not block the rest.
const OPERATION_PREFERENCES = {
  regionConcurrencyType: 'PARALLEL',
  maxConcurrentPercentage: 100,
  failureTolerancePercentage: 10,
};

/** The audit role in every member account (service-managed StackSet) and in the deploying account. */
export class AuditRoleRollout extends pulumi.ComponentResource {
  readonly roleName: string;
  readonly stackSetName: pulumi.Output<string>;
  readonly stackSet: aws.cloudformation.StackSet;
  readonly instances: aws.cloudformation.StackSetInstance[];
  readonly deployingAccountRole: aws.iam.Role | undefined;

  constructor(name: string, args: AuditRoleRolloutArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentType('auditRole', 'AuditRoleRollout'), name, {}, opts);
    this.roleName = args.auditRoleName;
    const parameters = AUDIT_ROLE_TEMPLATE_PARAMETERS;

    this.stackSet = new aws.cloudformation.StackSet(`${name}-member-role`, {
      name: `iam-audit-role-${args.auditRoleName}`.replace(/[^A-Za-z0-9-]/g, '-'),
      description: 'IAM Audit Kit: read-only audit role in every member account',
      permissionModel: 'SERVICE_MANAGED',
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
      capabilities: ['CAPABILITY_NAMED_IAM'],
      callAs: args.callAs,
      managedExecution: { active: true },
      operationPreferences: OPERATION_PREFERENCES,
      templateBody: renderAuditRoleTemplate(),
      parameters: {
        [parameters.roleName]: args.auditRoleName,
        [parameters.trustedPrincipalArns]: pulumi.output(args.trustedPrincipalArns).apply((arns) => arns.join(',')),
        [parameters.organizationId]: args.organizationId,
        ...(args.credentialAlerts === undefined ? {} : {
          [parameters.auditRoleRegion]: args.stackSetRegion,
          [parameters.centralEventBusArn]: args.credentialAlerts.centralEventBusArn,
          [parameters.credentialAlertRegion]: args.credentialAlerts.alertRegion,
        }),
      },
    }, {
      parent: this,
      // AWS fills in its own administration role for service-managed StackSets; do not fight it.
      ignoreChanges: ['administrationRoleArn'],
    });

    const instance = (resourceName: string, targetId: pulumi.Input<string>, region: string): aws.cloudformation.StackSetInstance =>
      new aws.cloudformation.StackSetInstance(resourceName, {
        stackSetName: this.stackSet.name,
        callAs: args.callAs,
        deploymentTargets: { organizationalUnitIds: [targetId] },
        stackSetInstanceRegion: region,
        operationPreferences: { ...OPERATION_PREFERENCES, concurrencyMode: 'SOFT_FAILURE_TOLERANCE' },
      }, { parent: this });
    this.instances = args.targetIds.map((targetId, index) => instance(`${name}-target-${index}`, targetId, args.stackSetRegion));
    const alertRegion = args.credentialAlerts?.alertRegion;
    if (alertRegion !== undefined && alertRegion !== args.stackSetRegion) {
      this.instances.push(...args.targetIds.map((targetId, index) => instance(`${name}-target-${index}-${alertRegion}`, targetId, alertRegion)));
    }

    if (args.createRoleInDeployingAccount) {
      const role = new aws.iam.Role(`${name}-deploying-account`, {
        name: args.auditRoleName,
        description: AUDIT_ROLE.description,
        maxSessionDuration: AUDIT_ROLE.maxSessionDurationSeconds,
        assumeRolePolicy: pulumi.all([args.trustedPrincipalArns, args.organizationId])
          .apply(([arns, organizationId]) => JSON.stringify(AUDIT_ROLE.trust(arns, organizationId))),
        tags: { ...AUDIT_ROLE.tags },
      }, { parent: this });
      new aws.iam.RolePolicy(`${name}-deploying-account-reads`, {
        name: AUDIT_ROLE.inlinePolicyName,
        role: role.name,
        policy: JSON.stringify(AUDIT_ROLE.permissions()),
      }, { parent: this });
      this.deployingAccountRole = role;
    }

    this.stackSetName = this.stackSet.name;
    this.registerOutputs({ roleName: this.roleName, stackSetName: this.stackSetName });
  }
}
