// How the reports write dates: the model's ISO-8601 UTC strings unchanged, `null` as `Never`.
export const NEVER = 'Never';

export function dateOrNever(value: string | null): string {
  return value ?? NEVER;
}
