import { strict as assert } from 'assert';
import { DEFAULT_CONCURRENCY } from '../../auditor/values/run-limits';
import { buildBenchCommand, parseBenchArgs } from '../../bench/args';

// commander writes its own message before throwing; the tests only look at what is thrown.
function parse(argv: string[]) {
  return parseBenchArgs(argv, buildBenchCommand().configureOutput({ writeErr: () => undefined, writeOut: () => undefined }));
}

describe('bench flags', () => {
  it('defaults to both strategies at the auditor\'s own concurrency, the seed on every account', () => {
    const options = parse([]);
    assert.equal(options.concurrency, DEFAULT_CONCURRENCY);
    assert.deepEqual(options.strategies, ['auditor', 'seed']);
    assert.equal(options.seedSample, 10, 'the seed strategy, seconds per account, on a sample unless asked');
    assert.equal(options.throttleRate, 0);
    assert.equal(options.latencyMs, 50);
    assert.equal(options.keepReports, null);
    assert.equal(options.maxHeapMb, null);
    assert.equal(options.s3, false, 'reports to disk only unless --s3');
  });

  it('reads the organization, latency, throttling and strategy flags', () => {
    const options = parse([
      '--accounts', '1000', '--users', '50', '--key-fraction', '0.3', '--console-fraction', '1', '--virtual-mfa', '0.6',
      '--hardware-mfa', '.1', '--events', '0', '--latency-ms', '20', '--throttle-rate', '0.05', '--throttle-seed', '9',
      '--concurrency', '32', '--strategy', 'seed', '--seed-sample', '10', '--keep-reports', '/tmp/reports', '--max-heap-mb', '768', '--s3',
    ]);
    assert.deepEqual(options, {
      accounts: 1000,
      users: 50,
      keyFraction: 0.3,
      consoleFraction: 1,
      virtualMfaFraction: 0.6,
      hardwareMfaFraction: 0.1,
      events: 0,
      latencyMs: 20,
      throttleRate: 0.05,
      throttleSeed: 9,
      concurrency: 32,
      strategies: ['seed'],
      seedSample: 10,
      keepReports: '/tmp/reports',
      maxHeapMb: 768,
      s3: true,
    });
  });

  it('never samples more accounts than the organization has', () => {
    assert.equal(parse(['--accounts', '5', '--seed-sample', '50']).seedSample, 5);
    assert.equal(parse(['--accounts', '3']).seedSample, 3);
  });

  for (const [argv, pattern] of [
    [['--throttle-rate', '1.5'], /--throttle-rate: expected a fraction from 0 to 1/],
    [['--key-fraction', 'half'], /--key-fraction: expected a fraction/],
    [['--accounts', '0'], /--accounts: expected a whole number from 1/],
    [['--concurrency', '65'], /--concurrency: expected a whole number from 1 to 64/],
    [['--strategy', 'fast'], /--strategy: expected auditor, seed or both/],
    [['--virtual-mfa', '0.8', '--hardware-mfa', '0.3'], /add up to more than 1/],
    [['--unknown'], /unknown option/],
  ] as const) {
    it(`rejects ${argv.join(' ')}`, () => {
      assert.throws(() => parse([...argv]), pattern);
    });
  }
});
