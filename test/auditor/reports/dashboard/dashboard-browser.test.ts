// The dashboard in a real browser: headless Chromium driven by playwright-core. Skipped only when
// no Chromium is installed, and never in CI, where a missing browser is a failure.
import { strict as assert } from 'assert';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DEFAULT_THRESHOLDS, evaluateFindings, type Finding } from '../../../../auditor/analysis/findings';
import { assessMaturity } from '../../../../auditor/analysis/maturity';
import { assessAccess } from '../../../../auditor/analysis/access/assess-access';
import type { AuditRun } from '../../../../auditor/model';
import { renderDashboard } from '../../../../auditor/reports/dashboard/dashboard';
import { buildDashboardData } from '../../../../auditor/reports/dashboard/dashboard-data';
import { CHROMIUM_ARGS } from '../../../../scripts/render-sample-dashboard';
import { sampleAuditRun } from '../../../../scripts/sample-audit-run';
import { account, daysAgo, notAudited, user } from '../../../support/run-fixtures';

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HOSTILE_IMG = '<img src=x onerror=window.__pwned=1>';
const HOSTILE_SCRIPT = '"><script>window.__pwned=1</script>';

interface PageProbe {
  page: Page;
  requests: string[];
  consoleErrors: string[];
}

describe('dashboard in headless Chromium', function () {
  let browser: Browser | undefined;
  let directory = '';
  let auditRun: AuditRun;
  let findings: Finding[];
  let fileUrl = '';

  before(async function () {
    if (!existsSync(CHROMIUM_PATH)) {
      if (process.env.CI) throw new Error(`Chromium not found at ${CHROMIUM_PATH}: CI must run the browser tests (install Debian's chromium)`);
      process.stderr.write(`skipping the dashboard browser tests: no Chromium at ${CHROMIUM_PATH} (install Debian's chromium or set CHROMIUM_PATH)\n`);
      this.skip();
    }
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    auditRun = await assessAccess(sampleAuditRun({
      extraAccounts: [
        account('555555555555', HOSTILE_IMG, { users: [user('mallory', { passwordEnabled: true, passwordLastUsed: daysAgo(2) })] }),
        notAudited('666666666666', HOSTILE_SCRIPT, `AssumeRole: ${HOSTILE_IMG}`),
      ],
    }));
    // The fixtures build ids for the run's own start; the sample starts elsewhere, so pin it.
    auditRun.startedAt = '2024-06-30T12:00:00.000Z';
    findings = evaluateFindings(auditRun);
    directory = await mkdtemp(path.join(tmpdir(), 'dashboard-'));
    const file = path.join(directory, 'iam_audit_test.html');
    await writeFile(file, renderDashboard({ run: auditRun, findings, maturity: assessMaturity(auditRun), thresholds: DEFAULT_THRESHOLDS }), 'utf8');
    fileUrl = pathToFileURL(file).href;
  });

  after(async () => {
    await browser?.close();
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  async function open(): Promise<PageProbe> {
    if (!browser) throw new Error('browser not started');
    const page = await browser.newPage();
    const probe: PageProbe = { page, requests: [], consoleErrors: [] };
    page.on('request', (request) => probe.requests.push(request.url()));
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') probe.consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => probe.consoleErrors.push(error.message));
    await page.goto(fileUrl, { waitUntil: 'load' });
    return probe;
  }

  async function text(page: Page, selector: string): Promise<string> {
    return (await page.locator(selector).first().textContent())?.trim() ?? '';
  }

  async function rowSeverities(page: Page): Promise<string[]> {
    return page.locator('#findings-body tr td:first-child').allTextContents();
  }

  it('loads with no console error, no CSP violation and no request but the file itself', async () => {
    const { page, requests, consoleErrors } = await open();
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(requests, [fileUrl]);
    // The table is built by the script, so rows prove the script ran under the CSP.
    assert.equal(await page.locator('#findings-body tr').count(), findings.length);
    await page.close();
  });

  it('shows the right numbers in the widgets', async () => {
    const { page } = await open();
    let consoleUsers = 0;
    let withoutMfa = 0;
    let activeKeys = 0;
    for (const audit of auditRun.accounts) {
      for (const iamUser of audit.users) {
        if (iamUser.passwordEnabled) {
          consoleUsers += 1;
          if (iamUser.mfaType === 'None') withoutMfa += 1;
        }
        activeKeys += iamUser.accessKeys.filter((key) => key.status === 'Active').length;
      }
    }
    assert.equal(await text(page, '[data-kpi="console-without-mfa"] .kpi-value'), String(withoutMfa));
    assert.equal(await text(page, '[data-kpi="active-keys"] .kpi-value'), String(activeKeys));
    assert.equal(await text(page, '[data-kpi="mfa-coverage"] .kpi-value'), `${Math.floor(((consoleUsers - withoutMfa) / consoleUsers) * 100)}%`);
    assert.equal(await text(page, '[data-kpi="accounts-not-audited"] .kpi-value'), '2');
    assert.equal(await text(page, '#mfa [data-mfa="None"] td.num'), String(withoutMfa));
    const ageCounts = await page.locator('#key-ages tr td.num').allTextContents();
    assert.equal(ageCounts.map(Number).reduce((sum, count) => sum + count, 0), activeKeys);
    const critical = findings.filter((finding) => finding.severity === 'critical').length;
    const high = findings.filter((finding) => finding.severity === 'high').length;
    assert.equal(await text(page, '[data-kpi="critical-high"] .kpi-value'), String(critical + high));
    assert.equal(await text(page, '#risk tr[data-account="666666666666"] td[data-severity="high"]'), '1');
    assert.equal(await text(page, '#findings-count'), `${findings.length} of ${findings.length} findings`);
    await page.close();
  });

  it('shows who can do what: privileged users with keys per account, outside trusts and admin paths', async () => {
    const { page } = await open();
    const { access } = buildDashboardData({ run: auditRun, findings, maturity: assessMaturity(auditRun), thresholds: DEFAULT_THRESHOLDS });
    assert.ok(access.accountsAssessed > 0 && access.adminRolesTotal > 0 && access.outsideTrustsTotal > 0, 'the sample has each kind');
    for (const row of access.accounts) {
      assert.equal(await text(page, `#access-accounts tr[data-account="${row.accountId}"] td[data-column="privileged-keys"]`), String(row.privilegedUsersWithKeys));
      assert.equal(await text(page, `#access-accounts tr[data-account="${row.accountId}"] td[data-privilege="admin"]`), String(row.levels.admin));
    }
    assert.equal(await page.locator('#access-outside tbody tr').count(), access.outsideTrustsTotal);
    assert.equal(await page.locator('#access-admin-paths tbody tr').count(), access.adminRolesTotal);
    assert.equal(await text(page, '#access-outside tr[data-role="vendor-monitoring"] td:last-child'), 'arn:aws:iam::999988887777:root (sts:ExternalId)');
    await page.close();
  });

  it('filters by severity and account, searches and sorts', async () => {
    const { page } = await open();
    await page.selectOption('#findings-severity', 'critical');
    const critical = await rowSeverities(page);
    assert.equal(critical.length, findings.filter((finding) => finding.severity === 'critical').length);
    assert.ok(critical.length > 0 && critical.every((severity) => severity === 'critical'));

    await page.selectOption('#findings-severity', '');
    await page.selectOption('#findings-account', '555555555555');
    const accounts = await page.locator('#findings-body td.account').allTextContents();
    assert.equal(accounts.length, findings.filter((finding) => finding.accountId === '555555555555').length);
    assert.ok(accounts.every((name) => name === `${HOSTILE_IMG}555555555555`));
    assert.deepEqual(await page.locator('#findings-body td.account .id').allTextContents(), accounts.map(() => '555555555555'));

    await page.selectOption('#findings-account', '');
    const someKey = findings.find((finding) => finding.resourceType === 'access-key');
    assert.ok(someKey);
    const keyId = someKey.resource.split('/')[1];
    await page.fill('#findings-search', keyId.toLowerCase());
    const matching = await page.locator('#findings-body tr').allTextContents();
    assert.equal(matching.length, findings.filter((finding) => finding.resource.includes(keyId) || finding.evidence.includes(keyId)).length);
    assert.ok(matching.length > 0 && matching.every((row) => row.includes(keyId)));
    await page.fill('#findings-search', '');

    // Worst first by default; by account A-Z, then Z-A.
    const ranks: Record<string, number> = { critical: 4, high: 3, medium: 2, low: 1 };
    const bySeverity = (await rowSeverities(page)).map((severity) => ranks[severity]);
    assert.deepEqual(bySeverity, [...bySeverity].sort((a, b) => b - a));
    await page.click('#findings-table th[data-sort="account"] button');
    const byName = (a: string, b: string) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0);
    const ascending = await page.locator('#findings-body td.account').allTextContents();
    assert.deepEqual(ascending, [...ascending].sort(byName));
    assert.equal(await page.getAttribute('#findings-table th[data-sort="account"]', 'aria-sort'), 'ascending');
    await page.click('#findings-table th[data-sort="account"] button');
    const descending = await page.locator('#findings-body td.account').allTextContents();
    assert.deepEqual(descending, [...descending].sort((a, b) => byName(b, a)));
    assert.notDeepEqual(descending, ascending);
    await page.close();
  });

  for (const width of [1280, 1920]) {
    it(`lays out at ${width} pixels: no account id broken across lines, key figures in even rows, MFA shares adding to 100%`, async () => {
      const { page } = await open();
      await page.setViewportSize({ width, height: 1000 });
      // Every account id on the page, in every table (the findings table is built by the script).
      const ids = await page.locator('.id').evaluateAll((elements) => elements.map((element) => ({
        text: element.textContent ?? '',
        lines: new Set(Array.from(element.getClientRects()).map((rect) => Math.round(rect.top))).size,
      })));
      assert.ok(ids.length >= auditRun.accounts.length, `${ids.length} account ids found`);
      for (const id of ids) {
        assert.match(id.text, /^\d{12}$/);
        assert.equal(id.lines, 1, `${id.text} is broken across ${id.lines} lines at ${width} px`);
      }
      // No key figure alone on its row: each row holds at least two.
      const rows = await page.locator('.kpi').evaluateAll((elements) => elements.map((element) => Math.round(element.getBoundingClientRect().top)));
      const perRow = [...rows.reduce((counts, top) => counts.set(top, (counts.get(top) ?? 0) + 1), new Map<number, number>()).values()];
      assert.ok(perRow.every((count) => count >= 2), `key figures per row at ${width} px: ${perRow.join(', ')}`);
      const shares = await page.locator('#mfa tr td.num:nth-child(3)').allTextContents();
      assert.equal(shares.map((share) => Number.parseInt(share, 10)).reduce((sum, share) => sum + share, 0), 100);
      await page.close();
    });
  }

  it('shows hostile account names as text and never runs them', async () => {
    const { page, consoleErrors } = await open();
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.equal(await page.locator('img').count(), 0);
    assert.equal(await page.locator('script').count(), 2);
    // The account cell holds the name and, below it, the id.
    assert.equal(await text(page, '#risk tr[data-account="555555555555"] td'), `${HOSTILE_IMG}555555555555`);
    assert.equal(await text(page, '#coverage tr[data-account="666666666666"] td'), `${HOSTILE_SCRIPT}666666666666`);
    assert.equal(await text(page, '#coverage tr[data-account="666666666666"] td:last-child'), `AssumeRole: ${HOSTILE_IMG}`);
    const options = await page.locator('#findings-account option').allTextContents();
    assert.ok(options.includes(`${HOSTILE_SCRIPT} (666666666666)`));
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });

  it('prints: the filters are hidden and every finding stays', async () => {
    const { page } = await open();
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('.controls').isVisible(), false);
    assert.equal(await page.locator('#findings-body tr').count(), findings.length);
    const pdf = await page.pdf({ format: 'A4' });
    assert.ok(pdf.subarray(0, 5).toString() === '%PDF-');
    await page.close();
  });
});
