// The audit role's name: the role the deployment creates in every account (infra/, the StackSet
// and its CloudFormation template) and the one the audit command assumes when neither `--role`
// nor AUDIT_ROLE_NAME names another.
export const DEFAULT_AUDIT_ROLE_NAME = 'IAMAuditRole';
