// `npm run infra:template`: regenerates infra/templates/ (the member-account template and the
// guardrails' SCPs without exemptions) after the auditor's declared permissions or a guardrail change.
// With `--exemptions <file>` (and `--partition`, `--out-dir`) it writes the SCPs with the file's
// carve-outs instead, for attaching them another way than `pulumi up`.
import { mkdirSync, writeFileSync } from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { AUDIT_ROLE_TEMPLATE_PATH, renderAuditRoleTemplate } from './audit-role-template';
import { SCP_TEMPLATES_DIRECTORY, scpFiles } from './scp-templates';

function main(): void {
  const { values } = parseArgs({
    options: {
      exemptions: { type: 'string' },
      partition: { type: 'string', default: 'aws' },
      'out-dir': { type: 'string' },
    },
    strict: true,
  });
  const written: string[] = [];
  if (values.exemptions === undefined) {
    writeFileSync(AUDIT_ROLE_TEMPLATE_PATH, renderAuditRoleTemplate());
    written.push(AUDIT_ROLE_TEMPLATE_PATH);
  }
  const directory = values['out-dir'] ?? (values.exemptions === undefined ? SCP_TEMPLATES_DIRECTORY : 'scp');
  mkdirSync(directory, { recursive: true });
  for (const file of scpFiles({ partition: values.partition, exemptionsFile: values.exemptions === undefined ? undefined : path.resolve(values.exemptions) })) {
    const target = path.join(directory, file.name);
    writeFileSync(target, file.text);
    written.push(target);
  }
  for (const file of written) process.stdout.write(`wrote ${file}\n`);
}

try {
  main();
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
