// `npm run bench -- [flags]`: each strategy runs in a child process of its own (so one's memory
// peak never mixes with the other's), one after the other (so they do not share the CPU), and
// the parent prints the figures side by side.
import { fork } from 'node:child_process';
import { CommanderError } from 'commander';
import { parseBenchArgs, type BenchOptions, type Strategy } from './args';
import { measureStrategy, type StrategyResult } from './measure';
import { formatBench } from './report';

const CHILD_FLAG = '--measure-in-child';

function runChild(strategy: Strategy, options: BenchOptions): Promise<StrategyResult> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, [CHILD_FLAG, strategy, JSON.stringify(options)], {
      execArgv: ['--expose-gc', ...(options.maxHeapMb === null ? [] : [`--max-old-space-size=${options.maxHeapMb}`]), '-r', 'ts-node/register/transpile-only'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: StrategyResult | null = null;
    child.on('message', (message) => {
      result = message as StrategyResult;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (result !== null) resolve(result);
      else reject(new Error(`the ${strategy} measurement ended without a result (exit code ${code}, signal ${signal})`));
    });
  });
}

async function parent(argv: string[]): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseBenchArgs(argv);
  } catch (error) {
    if (error instanceof CommanderError) return error.code === 'commander.helpDisplayed' || error.code === 'commander.help' ? 0 : 1;
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const results: StrategyResult[] = [];
  for (const strategy of options.strategies) {
    process.stderr.write(`measuring ${strategy}...\n`);
    results.push(await runChild(strategy, options));
  }
  process.stdout.write(formatBench(options, results));
  return 0;
}

async function child(strategy: Strategy, options: BenchOptions): Promise<void> {
  const result = await measureStrategy(strategy, options);
  await new Promise<void>((resolve, reject) => process.send?.(result, (error: Error | null) => (error ? reject(error) : resolve())));
}

if (require.main === module) {
  const [flag, strategy, json] = process.argv.slice(2);
  if (flag === CHILD_FLAG) {
    child(strategy as Strategy, JSON.parse(json) as BenchOptions).then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
        process.exit(1);
      },
    );
  } else {
    parent(process.argv.slice(2)).then((code) => {
      process.exitCode = code;
    });
  }
}
