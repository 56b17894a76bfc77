// No Docker engine here: these tests check the image recipe and run its build and entry point the
// way the Dockerfile does, from a copy of exactly what the build stage copies in.
import { strict as assert } from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { imageSourceTag } from '../../infra/image-source-tag';

const REPOSITORY_ROOT = path.join(__dirname, '..', '..');

interface Stage {
  from: string;
  instructions: string[];
}

function dockerfileStages(): Stage[] {
  const lines = readFileSync(path.join(REPOSITORY_ROOT, 'auditor', 'Dockerfile'), 'utf8')
    .split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of lines) {
    if (/^FROM\s/i.test(line)) stages.push({ from: line, instructions: [] });
    else stages[stages.length - 1].instructions.push(line);
  }
  return stages;
}

function bundleScript(): string {
  const packageJson = JSON.parse(readFileSync(path.join(REPOSITORY_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  return packageJson.scripts.bundle;
}

describe('auditor image (auditor/Dockerfile)', () => {
  const stages = dockerfileStages();
  const [build, runtime] = stages;

  it('is multi-stage: npm ci and npm run bundle in the build, a small Node.js base to run', () => {
    assert.equal(stages.length, 2);
    assert.match(build.from, /\bAS build$/i);
    assert.ok(build.instructions.some((line) => /^RUN npm ci\b/.test(line)));
    assert.ok(build.instructions.includes('RUN npm run bundle'));
    assert.match(runtime.from, /^FROM node:24-alpine$/, 'a Node.js LTS that is still supported');
    assert.equal(build.from, 'FROM node:24-alpine AS build', 'built with the Node.js it runs on');
  });

  it('runs the one bundled file as a non-root user', () => {
    const outfile = /--outfile=(\S+)/.exec(bundleScript())?.[1];
    assert.equal(outfile, 'dist/iam-audit.js');
    assert.ok(runtime.instructions.includes(`COPY --from=build /src/${outfile} ./iam-audit.js`));
    const user = runtime.instructions.filter((line) => line.startsWith('USER ')).pop();
    assert.ok(user !== undefined, 'the image sets a user');
    assert.ok(!/^USER (root|0)(:|$)/.test(user), user);
    assert.ok(runtime.instructions.includes('ENTRYPOINT ["node", "/app/iam-audit.js"]'));
    assert.ok(runtime.instructions.includes('WORKDIR /app'));
  });

  it('builds from what the build stage copies in, and the bundle answers --help', function () {
    this.timeout(120000);
    const context = mkdtempSync(path.join(tmpdir(), 'iam-audit-image-'));
    try {
      for (const line of build.instructions.filter((instruction) => instruction.startsWith('COPY '))) {
        const parts = line.split(/\s+/).slice(1);
        const destination = parts.pop() ?? '';
        for (const source of parts) {
          const target = destination.endsWith('/') ? path.join(context, path.basename(source)) : path.join(context, destination);
          cpSync(path.join(REPOSITORY_ROOT, source), target, { recursive: true });
        }
      }
      // Stands in for `npm ci`: the same packages, already installed.
      symlinkSync(path.join(REPOSITORY_ROOT, 'node_modules'), path.join(context, 'node_modules'), 'dir');
      const [command, ...args] = bundleScript().split(/\s+/);
      execFileSync(path.join(REPOSITORY_ROOT, 'node_modules', '.bin', command), args, { cwd: context, stdio: 'pipe' });

      // Moved away from node_modules, as in the runtime stage: the bundle must stand alone.
      const app = mkdtempSync(path.join(tmpdir(), 'iam-audit-app-'));
      try {
        cpSync(path.join(context, 'dist', 'iam-audit.js'), path.join(app, 'iam-audit.js'));
        const help = spawnSync(process.execPath, [path.join(app, 'iam-audit.js'), '--help'], { cwd: app, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
        assert.equal(help.status, 0, help.stderr);
        assert.match(help.stdout, /--out-dir/);
        assert.match(help.stdout, /--s3-uri/);
      } finally {
        rmSync(app, { recursive: true, force: true });
      }
    } finally {
      rmSync(context, { recursive: true, force: true });
    }
  });

  it('keeps the build context small (.dockerignore lets in only what the build copies)', () => {
    const rules = readFileSync(path.join(REPOSITORY_ROOT, '.dockerignore'), 'utf8')
      .split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
    assert.equal(rules[0], '**', 'everything is excluded first');
    const copied = build.instructions.filter((line) => line.startsWith('COPY ')).flatMap((line) => line.split(/\s+/).slice(1, -1));
    for (const source of copied) {
      assert.ok(rules.includes(`!${source}`) || rules.includes(`!${source}/**`), `${source} is let into the context`);
    }
  });

  it('tags each distinct source with its own tag (the repository is immutable) and the same source the same', () => {
    const first = mkdtempSync(path.join(tmpdir(), 'iam-audit-tag-'));
    try {
      cpSync(path.join(REPOSITORY_ROOT, 'auditor', 'permissions.ts'), path.join(first, 'permissions.ts'));
      const tag = imageSourceTag(first, ['permissions.ts']);
      assert.match(tag, /^src-[0-9a-f]{16}$/);
      assert.equal(imageSourceTag(first, ['permissions.ts']), tag);
      cpSync(path.join(REPOSITORY_ROOT, 'auditor', 'model.ts'), path.join(first, 'permissions.ts'));
      assert.notEqual(imageSourceTag(first, ['permissions.ts']), tag);
    } finally {
      rmSync(first, { recursive: true, force: true });
    }
  });
});
