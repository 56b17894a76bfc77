// Regenerates infra/templates/audit-role.json after the auditor's declared permissions change.
import { writeFileSync } from 'fs';
import { AUDIT_ROLE_TEMPLATE_PATH, renderAuditRoleTemplate } from './audit-role-template';

writeFileSync(AUDIT_ROLE_TEMPLATE_PATH, renderAuditRoleTemplate());
process.stdout.write(`wrote ${AUDIT_ROLE_TEMPLATE_PATH}\n`);
