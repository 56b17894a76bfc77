import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkLayers, KIT_LAYERS } from './dependency-rules';

const REPOSITORY = path.join(__dirname, '..', '..');
const SOURCE_FOLDERS = ['auditor', 'infra', 'policy-pack'];

function writeTree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'layers-'));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return root;
}

describe('layers: what may import what', () => {
  let fixture: string | undefined;
  afterEach(() => {
    if (fixture !== undefined) rmSync(fixture, { recursive: true, force: true });
    fixture = undefined;
  });

  it('holds for the kit: no import runs upward or leaves its part (the policy pack imports nothing outside itself), and there is no cycle', () => {
    const violations = checkLayers(REPOSITORY, SOURCE_FOLDERS, KIT_LAYERS).map((violation) => `${violation.from} -> ${violation.to}`);
    assert.deepEqual(violations, []);
  });

  it("keeps the deployment (sharded-run.ts included) on the values floor and the action lists", () => {
    const violations = checkLayers(REPOSITORY, ['infra'], KIT_LAYERS);
    assert.deepEqual(violations, []);
  });

  it('keeps the simulator free of import cycles (the per-service modules read the specs, not the organization)', () => {
    assert.deepEqual(checkLayers(REPOSITORY, ['simulator'], KIT_LAYERS), []);
  });

  it('fails on a planted upward import, naming both files and the layers', () => {
    fixture = writeTree({
      'auditor/values/parsers.ts': "import type { Command } from '../cli/audit-command';\nexport type Parse = Command;\n",
      'auditor/cli/audit-command.ts': "import type { Parse } from '../values/parsers';\nexport type Command = { parse?: Parse };\n",
      'auditor/publish/notify.ts': "export const NOTIFY = 1;\nexport async function later() { return import('../cli/progress'); }\n",
      'auditor/cli/progress.ts': "export const PROGRESS = 1;\n",
    });
    const violations = checkLayers(fixture, SOURCE_FOLDERS.filter((folder) => folder === 'auditor'), KIT_LAYERS);
    assert.deepEqual(
      violations.map((violation) => `${violation.from} -> ${violation.to}: ${violation.why}`),
      [
        'auditor/publish/notify.ts -> auditor/cli/progress.ts: publish imports cli, a layer above it',
        'auditor/values/parsers.ts -> auditor/cli/audit-command.ts: values imports cli, a layer above it',
        'auditor/cli/audit-command.ts -> auditor/values/parsers.ts: cycle: auditor/cli/audit-command.ts <-> auditor/values/parsers.ts',
      ],
    );
  });

  it('fails on a cycle within one layer (types only included)', () => {
    fixture = writeTree({
      'auditor/run/run-audit.ts': "import type { One } from './audit-account';\nexport type Options = { one?: One };\n",
      'auditor/run/audit-account.ts': "import type { Options } from './run-audit';\nexport type One = { options?: Options };\n",
    });
    const violations = checkLayers(fixture, ['auditor'], KIT_LAYERS);
    assert.deepEqual(violations.map((violation) => violation.why), ['cycle: auditor/run/audit-account.ts <-> auditor/run/run-audit.ts']);
  });

  it('lets the deployment and the pack read only the values floor and the declared action lists', () => {
    fixture = writeTree({
      'auditor/values/environment.ts': "export const ENV = 'X';\n",
      'auditor/cli/merge-command.ts': "export const MERGE = 'merge';\n",
      'auditor/permissions.ts': "export const ACTIONS = [];\n",
      'infra/sharded-run.ts': "import { ENV } from '../auditor/values/environment';\nimport { MERGE } from '../auditor/cli/merge-command';\nimport { ACTIONS } from '../auditor/permissions';\nexport const X = [ENV, MERGE, ACTIONS];\n",
      'policy-pack/exemptions.ts': "import { ACTIONS } from '../auditor/permissions';\nexport const Y = ACTIONS;\n",
    });
    const violations = checkLayers(fixture, ['auditor', 'infra', 'policy-pack'], KIT_LAYERS);
    assert.deepEqual(
      violations.map((violation) => `${violation.from} -> ${violation.to}`),
      ['infra/sharded-run.ts -> auditor/cli/merge-command.ts', 'policy-pack/exemptions.ts -> auditor/permissions.ts'],
    );
  });
});
