// EventBridge Scheduler's expression grammar, checked before anything is deployed: a schedule that
// Scheduler refuses would otherwise fail `pulumi up` halfway, after the bucket, roles and StackSet exist.
// https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface CronField {
  name: string;
  min: number;
  max: number;
  /** Names that stand for numbers, e.g. JAN = 1, SUN = 1. */
  names?: readonly string[];
}

const MINUTES: CronField = { name: 'minutes', min: 0, max: 59 };
const HOURS: CronField = { name: 'hours', min: 0, max: 23 };
const DAY_OF_MONTH: CronField = { name: 'day-of-month', min: 1, max: 31 };
const MONTH: CronField = { name: 'month', min: 1, max: 12, names: MONTHS };
const DAY_OF_WEEK: CronField = { name: 'day-of-week', min: 1, max: 7, names: WEEKDAYS };
const YEAR: CronField = { name: 'year', min: 1970, max: 2199 };

/** A number or (where the field has them) a name, within the field's range. */
function fieldValue(field: CronField, text: string): number | undefined {
  const named = field.names?.indexOf(text.toUpperCase()) ?? -1;
  const value = named >= 0 ? named + 1 : /^\d+$/.test(text) ? Number(text) : Number.NaN;
  return Number.isInteger(value) && value >= field.min && value <= field.max ? value : undefined;
}

/** `*`, a value, or a range `a-b`, each optionally with a `/step`. */
function isRangeWithStep(field: CronField, element: string): boolean {
  const [base, step, ...extra] = element.split('/');
  if (extra.length > 0) return false;
  if (step !== undefined && !(/^\d+$/.test(step) && Number(step) >= 1 && Number(step) <= field.max)) return false;
  if (base === '*') return true;
  const [from, to, ...more] = base.split('-');
  if (more.length > 0 || fieldValue(field, from) === undefined) return false;
  return to === undefined || fieldValue(field, to) !== undefined;
}

function isDayOfMonthElement(element: string): boolean {
  // L: the last day of the month; LW: its last weekday; nW: the weekday nearest day n.
  if (element === 'L' || element === 'LW') return true;
  const nearestWeekday = /^(\d+)W$/.exec(element);
  if (nearestWeekday !== null) return fieldValue(DAY_OF_MONTH, nearestWeekday[1]) !== undefined;
  return isRangeWithStep(DAY_OF_MONTH, element);
}

function isDayOfWeekElement(element: string): boolean {
  // L: the last day of the week; nL: the last such weekday of the month; d#n: the nth such weekday.
  if (element === 'L') return true;
  const lastOfMonth = /^(\w+)L$/.exec(element);
  if (lastOfMonth !== null) return fieldValue(DAY_OF_WEEK, lastOfMonth[1]) !== undefined;
  const nth = /^(\w+)#([1-5])$/.exec(element);
  if (nth !== null) return fieldValue(DAY_OF_WEEK, nth[1]) !== undefined;
  return isRangeWithStep(DAY_OF_WEEK, element);
}

function fieldProblem(field: CronField, text: string, isElement: (element: string) => boolean): string | undefined {
  if (text === '?') return undefined;
  const bad = text.split(',').find((element) => !isElement(element));
  return bad === undefined ? undefined : `${field.name} ${JSON.stringify(text)} is not valid (${field.min}-${field.max}${field.names === undefined ? '' : ` or ${field.names[0]}-${field.names[field.names.length - 1]}`}, with , - * /)`;
}

function cronProblem(body: string): string | undefined {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) return `cron() takes 6 fields (minutes hours day-of-month month day-of-week year), got ${fields.length}`;
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = fields;
  for (const [field, text] of [[MINUTES, minutes], [HOURS, hours], [MONTH, month], [YEAR, year]] as const) {
    if (text === '?') return `${field.name} cannot be ?`;
    const problem = fieldProblem(field, text, (element) => isRangeWithStep(field, element));
    if (problem !== undefined) return problem;
  }
  const dayProblem = fieldProblem(DAY_OF_MONTH, dayOfMonth, isDayOfMonthElement) ?? fieldProblem(DAY_OF_WEEK, dayOfWeek, isDayOfWeekElement);
  if (dayProblem !== undefined) return dayProblem;
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    return 'exactly one of day-of-month and day-of-week must be ?, e.g. cron(0 6 ? * MON *) or cron(0 6 1 * ? *)';
  }
  return undefined;
}

function rateProblem(body: string): string | undefined {
  const match = /^([1-9]\d*) (minute|minutes|hour|hours|day|days)$/.exec(body);
  if (match === null) return 'rate() takes a positive whole number and a unit: minute(s), hour(s) or day(s), e.g. rate(12 hours)';
  const [, value, unit] = match;
  const plural = unit.endsWith('s');
  if ((value === '1') === plural) return `say rate(${value} ${value === '1' ? unit.slice(0, -1) : `${unit}s`}): the unit is singular for 1 only`;
  return undefined;
}

function atProblem(body: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(body);
  if (match === null) return 'at() takes one date and time, yyyy-mm-ddThh:mm:ss';
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  const real = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
    && date.getUTCHours() === hour && date.getUTCMinutes() === minute && date.getUTCSeconds() === second;
  return real ? undefined : `at(${body}) is not a real date and time`;
}

/** What is wrong with an EventBridge Scheduler expression, or undefined when it is valid. */
export function scheduleExpressionProblem(expression: string): string | undefined {
  const match = /^(cron|rate|at)\((.*)\)$/.exec(expression.trim());
  if (match === null) return 'expected cron(minutes hours day-of-month month day-of-week year), rate(value unit) or at(yyyy-mm-ddThh:mm:ss)';
  const [, kind, body] = match;
  if (kind === 'cron') return cronProblem(body);
  if (kind === 'rate') return rateProblem(body);
  return atProblem(body);
}
