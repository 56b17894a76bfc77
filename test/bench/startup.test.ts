import assert from 'node:assert/strict';
import { formatStartup, HELP_TARGET_MS, parseStartupArgs, startedFrom, summarizeDurations, startupVariants } from '../../bench/startup';

describe('start-up benchmark', () => {
  it('summarizes runs by their median, minimum and maximum', () => {
    assert.deepEqual(summarizeDurations('x', [310.4, 120.2, 900, 200.6, 250]), { name: 'x', runs: 5, medianMs: 250, minMs: 120, maxMs: 900 });
    assert.equal(summarizeDurations('even', [100, 300, 200, 400]).medianMs, 250);
    assert.throws(() => summarizeDurations('none', []), /none: no run/);
  });

  it('measures the built command against the target, beside Node alone and the old ts-node start', () => {
    const variants = startupVariants('/repo');
    assert.deepEqual(variants.filter((variant) => variant.target).map((variant) => variant.args), [['/repo/bin/iam-audit.js', '--help']]);
    assert.ok(variants.some((variant) => variant.args.includes('/repo/auditor/cli/main.ts')));
    // The built command with Node's compile cache (the target) and with it turned off.
    const built = variants.filter((variant) => variant.args[0] === '/repo/bin/iam-audit.js');
    assert.deepEqual(built.map((variant) => variant.env?.NODE_DISABLE_COMPILE_CACHE), [undefined, '1']);
    const figures = [summarizeDurations('built', [HELP_TARGET_MS - 1]), summarizeDurations('node', [100])];
    assert.match(formatStartup(figures, [], figures[0]), new RegExp(`^PASS --help of the built command under ${HELP_TARGET_MS} ms: median ${HELP_TARGET_MS - 1} ms$`, 'm'));
    const slow = summarizeDurations('built', [HELP_TARGET_MS]);
    assert.match(formatStartup([slow], [], slow), /^FAIL /m);
  });

  it('tells a start from the sources (no current build) apart, so it is never taken for the build', () => {
    assert.equal(startedFrom('iam-audit: there is no build in dist/; running the TypeScript sources instead (slower to start). Run `npm run build` to rebuild.\n'), 'the sources');
    assert.equal(startedFrom(''), null);
  });

  it('reads --runs and names the flag of a bad value', () => {
    assert.equal(parseStartupArgs([]).runs, 10);
    assert.deepEqual(parseStartupArgs(['--runs', '3', '--repo', '/tmp/before']), { runs: 3, repo: '/tmp/before' });
    assert.throws(() => parseStartupArgs(['--runs', '0']), /--runs/);
  });
});
