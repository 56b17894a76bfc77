import { createHash } from 'crypto';
import { readdirSync, readFileSync, statSync } from 'fs';
import * as path from 'path';

/** What goes into the auditor image; the tag changes exactly when one of these does. */
export const IMAGE_SOURCE_PATHS = ['auditor', 'package.json', 'package-lock.json', 'tsconfig.json', '.dockerignore'];

/**
 * A content tag for the auditor image. The repository's tags are immutable, so each distinct build
 * needs its own tag, and the same sources must give the same tag so an unchanged image is not rebuilt.
 */
export function imageSourceTag(rootDir: string, sourcePaths: readonly string[] = IMAGE_SOURCE_PATHS): string {
  const hash = createHash('sha256');
  for (const file of sourcePaths.flatMap((sourcePath) => filesUnder(rootDir, sourcePath)).sort()) {
    hash.update(file).update('\0').update(readFileSync(path.join(rootDir, file))).update('\0');
  }
  return `src-${hash.digest('hex').slice(0, 16)}`;
}

function filesUnder(rootDir: string, relativePath: string): string[] {
  const fullPath = path.join(rootDir, relativePath);
  let stats;
  try {
    stats = statSync(fullPath);
  } catch {
    return [];
  }
  if (!stats.isDirectory()) return [relativePath.split(path.sep).join('/')];
  return readdirSync(fullPath).flatMap((entry) => filesUnder(rootDir, path.join(relativePath, entry)));
}
