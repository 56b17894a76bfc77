// The exemptions file as the audit reads it: the format lives in the policy pack
// (policy-pack/exemptions-format.ts), which ships on its own and shares it with the deployment;
// here an entry's rule must be one of the audit's catalogue.
import {
  parseExemptionEntries as parseEntries,
  parseExemptionsYaml as parseYaml,
  type ExemptionList,
} from '../../policy-pack/exemptions-format';
import { RULE_IDS } from './findings/rule-catalogue';

export * from '../../policy-pack/exemptions-format';

/** Parses the exemptions file; a rule must be one of the audit's (or `*`). */
export function parseExemptionsYaml(text: string, source: string): ExemptionList {
  return parseYaml(text, source, RULE_IDS);
}

/** Checks entries given as plain values: the same rules as the file. */
export function parseExemptionEntries(value: unknown, source: string): ExemptionList {
  return parseEntries(value, source, RULE_IDS);
}
