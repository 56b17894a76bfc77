// The guardrails' SCPs as plain JSON files, for organizations that attach SCPs another way than this
// program: the committed copies in infra/templates/scp/ (no exemptions, the aws partition) and, with
// an exemptions file, the same documents with its carve-outs. A test fails while the committed copies
// are out of date.
import * as path from 'path';
import { accessKeyCarveOuts, allGuardrailPolicies, type GuardrailPolicy } from './guardrails';
import { readDeploymentExemptions } from './exemptions-file';

export const SCP_TEMPLATES_DIRECTORY = path.join(__dirname, 'templates', 'scp');

/** One file per guardrail, named after its SCP (`iam-audit-no-access-keys.json`). */
export interface ScpFile {
  name: string;
  /** Pretty-printed for review; AWS Organizations counts the minified form against its limit. */
  text: string;
}

export function scpFileName(policy: GuardrailPolicy): string {
  return `${policy.name}.json`;
}

/** The three SCPs, with the exemptions file's carve-outs when one is given (checked at `now`). */
export function scpFiles(options: { partition?: string; exemptionsFile?: string; now?: number } = {}): ScpFile[] {
  const now = options.now ?? Date.now();
  const exemptions = options.exemptionsFile === undefined ? undefined : readDeploymentExemptions(options.exemptionsFile, now);
  const carveOuts = exemptions === undefined ? [] : accessKeyCarveOuts(exemptions.list, now);
  return allGuardrailPolicies(carveOuts, options.partition ?? 'aws', exemptions?.source).map((policy) => ({
    name: scpFileName(policy),
    text: `${JSON.stringify(policy.document, null, 2)}\n`,
  }));
}
