// The requests that decide a principal's privilege, as data: what makes it `admin` and the known
// privilege escalation sets that make it `can-escalate`. Each is asked of the policy evaluator,
// never matched against the policy text.
//
// Sources: prowler's check `iam_policy_allows_privilege_escalation`
// (prowler/providers/aws/services/iam/lib/privilege_escalation.py), Rhino Security Labs' "AWS IAM
// privilege escalation methods" (aws_escalate.py) and the edges of NCC Group's PMapper
// (principalmapper/graphing/*_edges.py). docs/findings.md lists them for readers; a test keeps the
// two in step.

/** Where a request is aimed: the principal itself, any principal of the account (a probe), or any resource. */
export type RequestTarget = 'self' | 'other-user' | 'other-role' | 'group' | 'policy' | 'any';

export interface PrivilegeRequest {
  action: string;
  target: RequestTarget;
  /** For `any`: a resource of the account, `{partition}` and `{account}` filled in; `*` (some resource) without one. */
  resource?: string;
}

/** Calls across services, every one allowed on any resource: the principal can do `*` on `*`. */
export const FULL_ACCESS_REQUESTS: readonly PrivilegeRequest[] = [
  { action: 'iam:CreateUser', target: 'other-user' },
  { action: 'ec2:TerminateInstances', target: 'any', resource: 'arn:{partition}:ec2:us-east-1:{account}:instance/i-0123456789abcdef0' },
  { action: 's3:DeleteBucket', target: 'any', resource: 'arn:{partition}:s3:::iam-audit-privilege-probe' },
  { action: 'dynamodb:DeleteTable', target: 'any', resource: 'arn:{partition}:dynamodb:us-east-1:{account}:table/iam-audit-privilege-probe' },
  { action: 'organizations:LeaveOrganization', target: 'any' },
  { action: 'cloudtrail:StopLogging', target: 'any', resource: 'arn:{partition}:cloudtrail:us-east-1:{account}:trail/iam-audit-privilege-probe' },
];

/**
 * One request that rewrites IAM permissions: whoever may make it can give itself, or a principal
 * it controls, any permission. Each is admin on its own.
 */
export interface PermissionChange {
  id: string;
  requests: readonly PrivilegeRequest[];
}

export const PERMISSION_CHANGES: readonly PermissionChange[] = [
  { id: 'iam:AttachUserPolicy', requests: [{ action: 'iam:AttachUserPolicy', target: 'self' }] },
  { id: 'iam:PutUserPolicy', requests: [{ action: 'iam:PutUserPolicy', target: 'self' }] },
  { id: 'iam:AttachRolePolicy', requests: [{ action: 'iam:AttachRolePolicy', target: 'self' }] },
  { id: 'iam:PutRolePolicy', requests: [{ action: 'iam:PutRolePolicy', target: 'self' }] },
  { id: 'iam:AttachGroupPolicy', requests: [{ action: 'iam:AttachGroupPolicy', target: 'group' }] },
  { id: 'iam:PutGroupPolicy', requests: [{ action: 'iam:PutGroupPolicy', target: 'group' }] },
  { id: 'iam:CreatePolicyVersion', requests: [{ action: 'iam:CreatePolicyVersion', target: 'policy' }] },
  { id: 'iam:SetDefaultPolicyVersion', requests: [{ action: 'iam:SetDefaultPolicyVersion', target: 'policy' }] },
  { id: 'iam:AttachUserPolicy (any user)', requests: [{ action: 'iam:AttachUserPolicy', target: 'other-user' }] },
  { id: 'iam:PutUserPolicy (any user)', requests: [{ action: 'iam:PutUserPolicy', target: 'other-user' }] },
  { id: 'iam:AttachRolePolicy (any role)', requests: [{ action: 'iam:AttachRolePolicy', target: 'other-role' }] },
  { id: 'iam:PutRolePolicy (any role)', requests: [{ action: 'iam:PutRolePolicy', target: 'other-role' }] },
];

/** A set of requests that, allowed together, lead to permissions the principal does not have. */
export interface EscalationSet {
  id: string;
  requests: readonly PrivilegeRequest[];
}

const passRole: PrivilegeRequest = { action: 'iam:PassRole', target: 'other-role' };
const any = (action: string): PrivilegeRequest => ({ action, target: 'any' });

export const ESCALATION_SETS: readonly EscalationSet[] = [
  { id: 'iam:CreateAccessKey', requests: [{ action: 'iam:CreateAccessKey', target: 'other-user' }] },
  { id: 'iam:CreateLoginProfile', requests: [{ action: 'iam:CreateLoginProfile', target: 'other-user' }] },
  { id: 'iam:UpdateLoginProfile', requests: [{ action: 'iam:UpdateLoginProfile', target: 'other-user' }] },
  { id: 'iam:AddUserToGroup', requests: [{ action: 'iam:AddUserToGroup', target: 'group' }] },
  { id: 'iam:UpdateAssumeRolePolicy + sts:AssumeRole', requests: [{ action: 'iam:UpdateAssumeRolePolicy', target: 'other-role' }, { action: 'sts:AssumeRole', target: 'other-role' }] },
  { id: 'iam:PassRole + ec2:RunInstances', requests: [passRole, any('ec2:RunInstances')] },
  { id: 'iam:PassRole + lambda:CreateFunction + lambda:InvokeFunction', requests: [passRole, any('lambda:CreateFunction'), any('lambda:InvokeFunction')] },
  { id: 'iam:PassRole + lambda:CreateFunction + lambda:CreateEventSourceMapping', requests: [passRole, any('lambda:CreateFunction'), any('lambda:CreateEventSourceMapping')] },
  { id: 'iam:PassRole + cloudformation:CreateStack', requests: [passRole, any('cloudformation:CreateStack')] },
  { id: 'iam:PassRole + glue:CreateDevEndpoint', requests: [passRole, any('glue:CreateDevEndpoint')] },
  { id: 'iam:PassRole + datapipeline:CreatePipeline + datapipeline:PutPipelineDefinition + datapipeline:ActivatePipeline', requests: [passRole, any('datapipeline:CreatePipeline'), any('datapipeline:PutPipelineDefinition'), any('datapipeline:ActivatePipeline')] },
  { id: 'iam:PassRole + codestar:CreateProject', requests: [passRole, any('codestar:CreateProject')] },
  { id: 'iam:PassRole + autoscaling:CreateAutoScalingGroup + autoscaling:CreateLaunchConfiguration', requests: [passRole, any('autoscaling:CreateAutoScalingGroup'), any('autoscaling:CreateLaunchConfiguration')] },
  { id: 'iam:PassRole + ecs:RunTask', requests: [passRole, any('ecs:RunTask')] },
  { id: 'iam:PassRole + sagemaker:CreateNotebookInstance', requests: [passRole, any('sagemaker:CreateNotebookInstance')] },
  { id: 'glue:UpdateDevEndpoint', requests: [any('glue:UpdateDevEndpoint')] },
  { id: 'lambda:UpdateFunctionCode', requests: [any('lambda:UpdateFunctionCode')] },
  { id: 'lambda:UpdateFunctionConfiguration', requests: [any('lambda:UpdateFunctionConfiguration')] },
  { id: 'ssm:SendCommand', requests: [any('ssm:SendCommand')] },
];
