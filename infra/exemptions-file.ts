// The one exemptions file, as the deployment reads it (`exemptionsFile`): checked exactly as the
// audit checks it (the format's rules and the audit's rule catalogue), refused once an entry has
// expired, and kept as the text that was checked, which is the text uploaded for the auditor.
import { readFileSync, statSync } from 'fs';
import * as path from 'path';
import { RULE_IDS } from '../auditor/analysis/findings/rule-catalogue';
import { EXEMPTIONS_MAX_BYTES, ExemptionsError, parseExemptionsYaml, type ExemptionList } from '../policy-pack/exemptions-format';
import { refuseExpiredExemptions } from './guardrails';

/** Where the file goes in the reports bucket when `exemptionsS3Key` does not say. */
export const DEFAULT_EXEMPTIONS_S3_KEY = 'config/exemptions.yaml';

/** The project directory (where Pulumi.yaml is): a relative `exemptionsFile` is read from there. */
export const PROJECT_DIRECTORY = path.join(__dirname, '..');

export interface DeploymentExemptions {
  /** The file as given in the setting, for messages. */
  source: string;
  /** The text that was checked, byte for byte what is uploaded. */
  text: string;
  list: ExemptionList;
}

/** Reads and checks the exemptions file at `pulumi up` (`now`); every problem names the file and the line. */
export function readDeploymentExemptions(file: string, now: number): DeploymentExemptions {
  const resolved = path.resolve(PROJECT_DIRECTORY, file);
  let bytes: Buffer;
  try {
    const info = statSync(resolved);
    if (!info.isFile()) throw new ExemptionsError(`${file}: ${resolved} is not a regular file`);
    if (info.size > EXEMPTIONS_MAX_BYTES) throw new ExemptionsError(`${file}: the file is ${info.size} bytes, more than the ${EXEMPTIONS_MAX_BYTES} (1 MB) allowed`);
    bytes = readFileSync(resolved);
  } catch (error) {
    if (error instanceof ExemptionsError) throw error;
    throw new ExemptionsError(`${file}: cannot read ${resolved}: ${error instanceof Error ? error.message : String(error)}`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ExemptionsError(`${file}: the file is not UTF-8 text`);
  }
  const list = parseExemptionsYaml(text, file, RULE_IDS);
  refuseExpiredExemptions(list, now);
  return { source: file, text, list };
}
