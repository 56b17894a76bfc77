// The numbers the rules judge by. Defaults follow CIS AWS Foundations v7.0.0 (90-day rotation,
// 45 days unused) and the seed's priorities (keys older than a year, console use in the last 30 days).

export interface FindingThresholds {
  /** An active key older than this is due for rotation (medium). */
  keyMaxAgeDays: number;
  /** An active key older than this has survived far too long (high). */
  keyCriticalAgeDays: number;
  /** A password or key not used for this long should be disabled. */
  unusedDays: number;
  /** A console user without MFA who signed in within this many days is critical, not high. */
  recentLoginDays: number;
}

export const DEFAULT_THRESHOLDS: Readonly<FindingThresholds> = {
  keyMaxAgeDays: 90,
  keyCriticalAgeDays: 365,
  unusedDays: 45,
  recentLoginDays: 30,
};

/** Checks a set of thresholds that did not come from a flag parser (the flags check their own). */
export function validateThresholds(thresholds: FindingThresholds): FindingThresholds {
  for (const [name, value] of Object.entries(thresholds)) {
    if (!Number.isSafeInteger(value) || value < 1) throw new Error(`threshold ${name} must be a whole number of days of at least 1, got ${String(value)}`);
  }
  if (thresholds.keyCriticalAgeDays <= thresholds.keyMaxAgeDays) {
    throw new Error(`threshold keyCriticalAgeDays (${thresholds.keyCriticalAgeDays}) must be greater than keyMaxAgeDays (${thresholds.keyMaxAgeDays})`);
  }
  return thresholds;
}
