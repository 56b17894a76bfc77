import { strict as assert } from 'assert';
import { scheduleExpressionProblem } from '../../infra/schedule-expression';

describe("EventBridge Scheduler's expression grammar", () => {
  const valid = [
    'cron(0 6 ? * MON *)', 'cron(0 6 1 * ? *)', 'cron(0/15 * ? * MON-FRI *)', 'cron(30 8 ? * 2,4,6 2026-2030)',
    'cron(0 12 L * ? *)', 'cron(0 12 LW * ? *)', 'cron(0 8 15W * ? *)', 'cron(0 8 ? * 6#3 *)', 'cron(0 8 ? * 6L *)',
    'cron(0 6 1 JAN,JUL ? *)', 'cron(*/5 9-17 ? * * *)', 'rate(1 minute)', 'rate(5 minutes)', 'rate(1 hour)',
    'rate(12 hours)', 'rate(1 day)', 'rate(7 days)', 'at(2027-01-31T06:00:00)', 'at(2028-02-29T23:59:59)',
  ];
  for (const expression of valid) {
    it(`accepts ${expression}`, () => assert.equal(scheduleExpressionProblem(expression), undefined));
  }

  const invalid: Array<[string, RegExp]> = [
    ['cron(0 6 * * MON *)', /exactly one of day-of-month and day-of-week must be \?/],
    ['cron(0 6 ? * ? *)', /exactly one of day-of-month and day-of-week must be \?/],
    ['cron(a b c d e f)', /minutes "a" is not valid/],
    ['cron(99 99 ? * MON *)', /minutes "99" is not valid \(0-59/],
    ['cron(0 24 ? * MON *)', /hours "24" is not valid \(0-23/],
    ['cron(0 6 32 * ? *)', /day-of-month "32" is not valid/],
    ['cron(0 6 ? 13 MON *)', /month "13" is not valid \(1-12 or JAN-DEC/],
    ['cron(0 6 ? * 8 *)', /day-of-week "8" is not valid \(1-7 or SUN-SAT/],
    ['cron(0 6 ? * MON#6 *)', /day-of-week "MON#6" is not valid/],
    ['cron(0 6 ? * MON 1969)', /year "1969" is not valid/],
    // Each field's lower bound: one below it is refused (day-of-month 0 is no day).
    ['cron(0 6 0 * ? *)', /day-of-month "0" is not valid \(1-31/],
    ['cron(-1 6 ? * MON *)', /minutes "-1" is not valid/],
    ['cron(0 -1 ? * MON *)', /hours "-1" is not valid/],
    ['cron(0 6 ? 0 MON *)', /month "0" is not valid \(1-12/],
    ['cron(0 6 ? * 0 *)', /day-of-week "0" is not valid \(1-7/],
    ['cron(0 6 ? * MON 1969)', /year "1969" is not valid \(1970-2199/],
    ['cron(0 6 0-5 * ? *)', /day-of-month "0-5" is not valid/],
    ['cron(0 6 0W * ? *)', /day-of-month "0W" is not valid/],
    ['cron(0 6 ? * MON)', /takes 6 fields .* got 5/],
    ['cron(0/0 6 ? * MON *)', /minutes "0\/0" is not valid/],
    ['rate(1 minutes)', /say rate\(1 minute\)/],
    ['rate(5 hour)', /say rate\(5 hours\)/],
    ['rate(0 days)', /positive whole number/],
    ['rate(1 week)', /minute\(s\), hour\(s\) or day\(s\)/],
    ['at(2027-02-30T06:00:00)', /not a real date and time/],
    ['at(2027-01-31 06:00:00)', /yyyy-mm-ddThh:mm:ss/],
    ['0 6 * * 1', /expected cron\(/],
  ];
  for (const [expression, problem] of invalid) {
    it(`rejects ${expression}`, () => assert.match(scheduleExpressionProblem(expression) ?? 'accepted', problem));
  }
});
