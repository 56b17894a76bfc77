// The layers of DESIGN.md as data, and a check of every import in a source tree against them: an
// import may point to its own layer or one below, never above, and no chain of imports may come
// back to where it started. Imports are read with the TypeScript compiler's own pre-processor, so
// `import type`, `export ... from` and `import('...')` all count.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export interface Layer {
  name: string;
  /** Paths relative to the tree's root: a folder ends with `/`, anything else is one file. */
  paths: readonly string[];
}

export interface LayerRules {
  /** Bottom first: a file may import its own layer and the ones listed before it. */
  layers: readonly Layer[];
  /**
   * Parts that stand beside the stack (the deployment, the policy pack): each may import itself
   * and only the paths it is given.
   */
  outside: ReadonlyArray<{ name: string; paths: readonly string[]; mayImport: readonly string[] }>;
}

/** The auditor's layers (DESIGN.md, "Layers, bottom up") and what the deployment and the pack may read. */
export const KIT_LAYERS: LayerRules = {
  layers: [
    // The exemptions format lives in the policy pack (which ships alone) and is as plain as the values.
    { name: 'values', paths: ['auditor/values/', 'policy-pack/exemptions-format.ts'] },
    { name: 'model and facts', paths: ['auditor/model.ts', 'auditor/coverage-reasons.ts', 'auditor/analysis/facts.ts', 'auditor/shard/shard.ts'] },
    {
      name: 'collectors, analysis, reports',
      paths: ['auditor/aws/', 'auditor/collectors/', 'auditor/analysis/', 'auditor/reports/', 'auditor/shard/'],
    },
    { name: 'publish', paths: ['auditor/publish/', 'auditor/permissions.ts'] },
    { name: 'application', paths: ['auditor/run/', 'auditor/app/'] },
    { name: 'cli', paths: ['auditor/cli/'] },
  ],
  outside: [
    {
      name: 'infra',
      paths: ['infra/'],
      // The values floor and the declared action lists the deployment builds its policies from.
      mayImport: [
        'auditor/values/',
        'auditor/permissions.ts',
        'auditor/publish/previous-run.ts',
        'auditor/publish/notify.ts',
        'auditor/publish/exemptions-source.ts',
        'auditor/publish/sinks/s3.ts',
        'auditor/publish/shard-parts.ts',
        'auditor/publish/security-hub/import-findings.ts',
        // The exemptions file, read for the access-key SCP's carve-outs and checked against the
        // audit's rule catalogue, so `pulumi up` refuses what the scheduled audit would refuse.
        'policy-pack/exemptions-format.ts',
        'auditor/analysis/findings/rule-catalogue.ts',
      ],
    },
    // Self-contained: `pulumi policy publish` ships only this folder.
    { name: 'policy-pack', paths: ['policy-pack/'], mayImport: [] },
  ],
};

export interface Violation {
  from: string;
  to: string;
  why: string;
}

function matches(file: string, paths: readonly string[]): boolean {
  return paths.some((entry) => (entry.endsWith('/') ? file.startsWith(entry) : file === entry));
}

/** The layer a file belongs to; the most specific path wins (a file over its folder). */
function layerIndex(file: string, rules: LayerRules): number | undefined {
  let best: { index: number; length: number } | undefined;
  rules.layers.forEach((layer, index) => {
    for (const entry of layer.paths) {
      const hit = entry.endsWith('/') ? file.startsWith(entry) : file === entry;
      if (hit && (best === undefined || entry.length > best.length)) best = { index, length: entry.length };
    }
  });
  return best?.index;
}

function sourceFiles(root: string, folder: string): string[] {
  const absolute = path.join(root, folder);
  return readdirSync(absolute).flatMap((entry) => {
    const relative = path.posix.join(folder, entry);
    if (statSync(path.join(root, relative)).isDirectory()) return sourceFiles(root, relative);
    return relative.endsWith('.ts') && !relative.endsWith('.d.ts') ? [relative] : [];
  });
}

function resolveImport(root: string, from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  for (const candidate of [`${base}.ts`, `${base}/index.ts`, base]) {
    try {
      if (statSync(path.join(root, candidate)).isFile()) return candidate;
    } catch {
      // not this candidate
    }
  }
  return undefined;
}

/** Every relative import of every `.ts` file under `folders`, as paths relative to `root`. */
export function importGraph(root: string, folders: readonly string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of folders.flatMap((folder) => sourceFiles(root, folder))) {
    const info = ts.preProcessFile(readFileSync(path.join(root, file), 'utf8'), true, true);
    const targets = info.importedFiles
      .map((imported) => resolveImport(root, file, imported.fileName))
      .filter((target): target is string => target !== undefined && target.endsWith('.ts'));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

function upwardImports(graph: ReadonlyMap<string, readonly string[]>, rules: LayerRules): Violation[] {
  const violations: Violation[] = [];
  for (const [from, targets] of graph) {
    const outside = rules.outside.find((part) => matches(from, part.paths));
    for (const to of targets) {
      if (outside !== undefined) {
        if (!matches(to, outside.paths) && !matches(to, outside.mayImport)) {
          violations.push({ from, to, why: `${outside.name} may import only itself and ${outside.mayImport.join(', ')}` });
        }
        continue;
      }
      const fromLayer = layerIndex(from, rules);
      const toLayer = layerIndex(to, rules);
      if (fromLayer === undefined || toLayer === undefined) continue;
      if (toLayer > fromLayer) {
        violations.push({ from, to, why: `${rules.layers[fromLayer].name} imports ${rules.layers[toLayer].name}, a layer above it` });
      }
    }
  }
  return violations;
}

/** One cycle per strongly connected group of files (Tarjan), told as the files in it. */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, next);
    low.set(file, next);
    next += 1;
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!graph.has(target)) continue;
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file) ?? 0, low.get(target) ?? 0));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file) ?? 0, index.get(target) ?? 0));
      }
    }
    if (low.get(file) === index.get(file)) {
      const group: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop();
        if (member === undefined) break;
        onStack.delete(member);
        group.push(member);
      } while (member !== file);
      if (group.length > 1 || (graph.get(file) ?? []).includes(file)) found.push(group.sort());
    }
  };
  for (const file of [...graph.keys()].sort()) if (!index.has(file)) visit(file);
  return found;
}

/** Every import that runs upward or leaves its part, and every cycle, under `folders` of `root`. */
export function checkLayers(root: string, folders: readonly string[], rules: LayerRules): Violation[] {
  const graph = importGraph(root, folders);
  const cyclic = cycles(graph).map((group) => ({ from: group[0], to: group[group.length - 1], why: `cycle: ${group.join(' <-> ')}` }));
  const upward = upwardImports(graph, rules).sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
  return [...upward, ...cyclic];
}
