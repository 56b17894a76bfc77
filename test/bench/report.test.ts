import { strict as assert } from 'assert';
import { parseBenchArgs, buildBenchCommand } from '../../bench/args';
import type { StrategyResult } from '../../bench/measure';
import { checkTargets, estimateSeed } from '../../bench/report';

function result(overrides: Partial<StrategyResult>): StrategyResult {
  return {
    strategy: 'seed',
    accountsInOrganization: 1000,
    accountsMeasured: 10,
    wallMs: 21_000,
    cpuMs: 5_000,
    listingMs: 1_000,
    accountsMs: 20_000,
    callsByOperation: {},
    totalCalls: 50 + 10 * 200,
    perAccount: { max: 210, mean: 200, min: 190 },
    bound: null,
    throttles: 0,
    throttlesByOperation: {},
    otherErrors: 0,
    memory: { baselineRssMb: 150, baselineHeapMb: 30, peakRssMb: 200, peakHeapMb: 60, sampleEveryMs: 50 },
    outcome: { complete: 10, partial: 0, notAudited: 0, users: 500, keys: 300, expectedUsers: 500, expectedKeys: 300 },
    exitCode: null,
    reportBytes: null,
    phases: null,
    ...overrides,
  };
}

describe('bench: figures and targets', () => {
  it('extrapolates the seed\'s sample linearly, the organization listing counted once', () => {
    const estimate = estimateSeed(result({}));
    assert.equal(estimate.wallMs, 1_000 + 20_000 * 100);
    assert.equal(estimate.totalCalls, 50 + 200 * 1000);
    assert.equal(estimate.extrapolated, true);
    assert.equal(estimateSeed(result({ accountsMeasured: 1000, accountsMs: 2_000_000 })).extrapolated, false);
  });

  it('says FAIL for a target missed and PASS for one met', () => {
    const options = parseBenchArgs(['--accounts', '1000', '--users', '50'], buildBenchCommand());
    const auditor = result({
      strategy: 'auditor',
      accountsMeasured: 1000,
      wallMs: 130_000,
      bound: { accountsOver: 0, worst: { accountId: '100000000001', calls: 30, allowed: 31 } },
      outcome: { complete: 1000, partial: 0, notAudited: 0, users: 50_000, keys: 30_000, expectedUsers: 50_000, expectedKeys: 30_000 },
    });
    const all = checkTargets(options, auditor, result({}));
    const checks = new Map(all.map((check) => [check.target.split(' ').slice(0, 3).join(' '), check.pass]));
    assert.equal(checks.get('calls per account'), true);
    assert.equal(checks.get('wall time under'), false);
    assert.equal(checks.get('peak memory under'), true);
    // 1,000 x 50 is the time target's scenario, not the memory target's.
    assert.deepEqual(all.filter((check) => !check.applies).map((check) => check.target.split(' ')[0]), ['peak']);
    assert.equal(checks.get('every account audited'), true);
    assert.equal(checks.get('CPU of the'), true, '5 s of CPU is under 15 s');
    assert.equal(checks.get('peak RSS at'), true, '200 MB is under 400 MB');
    const heavy = new Map(checkTargets(options, { ...auditor, cpuMs: 15_001, memory: { ...auditor.memory, peakRssMb: 401 } }, undefined).map((check) => [check.target.split(' ').slice(0, 3).join(' '), check.pass]));
    assert.equal(heavy.get('CPU of the'), false);
    assert.equal(heavy.get('peak RSS at'), false);
    // 2,001 s for the seed against 130 s: about 15 times.
    assert.equal(checks.get('at least 50x'), false);
  });
});
