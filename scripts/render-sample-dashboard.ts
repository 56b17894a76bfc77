// Renders the sample dashboard from a simulated organization and takes the README's screenshot:
//   npx ts-node --transpile-only scripts/render-sample-dashboard.ts [docs/dashboard.png] [sample.html]
// Needs Chromium (`/usr/bin/chromium`, or CHROMIUM_PATH).
import { writeFile } from 'node:fs/promises';
import { chromium } from 'playwright-core';
import { compareRuns } from '../auditor/analysis/comparison';
import { DEFAULT_THRESHOLDS, evaluateFindings } from '../auditor/analysis/findings';
import { appendToHistory, emptyHistory, historyEntry } from '../auditor/analysis/history';
import { assessMaturity } from '../auditor/analysis/maturity';
import { renderDashboard } from '../auditor/reports/dashboard/dashboard';
import { assessAccess } from '../auditor/analysis/access/assess-access';
import type { AuditRun } from '../auditor/model';
import { sampleAuditRun } from './sample-audit-run';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** The sample page: six monthly runs of the simulated organization, the last one compared with the one before. */
export async function renderSampleDashboard(): Promise<string> {
  const months = ['2024-01-31', '2024-02-29', '2024-03-31', '2024-04-30', '2024-05-31', '2024-06-30'];
  const runs: AuditRun[] = [];
  // Privilege and access paths decided with the policy evaluator, as a real run has them.
  for (const [index, day] of months.entries()) runs.push(await assessAccess(sampleAuditRun({ startedAt: `${day}T06:00:00.000Z`, seed: 20240630 + index, progress: index / (months.length - 1) })));
  let history = emptyHistory();
  for (const run of runs) history = appendToHistory(history, historyEntry(run, evaluateFindings(run), assessMaturity(run)));
  const current = runs[runs.length - 1];
  const findings = evaluateFindings(current);
  return renderDashboard({
    run: current,
    findings,
    maturity: assessMaturity(current),
    thresholds: DEFAULT_THRESHOLDS,
    comparison: compareRuns(runs[runs.length - 2], current, DEFAULT_THRESHOLDS, findings),
    history: history.entries,
  });
}

async function main(): Promise<void> {
  const [screenshotPath = 'docs/dashboard.png', htmlPath] = process.argv.slice(2);
  const page = await renderSampleDashboard();
  if (htmlPath) await writeFile(htmlPath, page, 'utf8');
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const tab = await browser.newPage({ viewport: { width: 1400, height: 1000 }, deviceScaleFactor: 1 });
    await tab.setContent(page, { waitUntil: 'load' });
    await tab.screenshot({ path: screenshotPath, fullPage: true, clip: { x: 0, y: 0, width: 1400, height: 2300 } });
  } finally {
    await browser.close();
  }
  process.stdout.write(`wrote ${screenshotPath}${htmlPath ? ` and ${htmlPath}` : ''}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
