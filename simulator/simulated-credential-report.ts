// The IAM credential report exactly as AWS writes it: same header, same root row, same
// placeholders (`N/A`, `no_information`, `not_supported`) and the `+00:00` date form.
import type { SimulatedAccessKeySpec, SimulatedRootSpec, SimulatedUserSpec } from './simulated-specs';

export const CREDENTIAL_REPORT_HEADER =
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';

/** `2020-01-01T00:00:00+00:00`: how the credential report writes times. */
export function credentialReportDate(iso: string): string {
  return new Date(iso).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

function keyColumns(key: SimulatedAccessKeySpec | undefined): string[] {
  if (!key) return ['false', 'N/A', 'N/A', 'N/A', 'N/A'];
  const used = key.lastUsed ?? null;
  return [
    String((key.status ?? 'Active') === 'Active'),
    credentialReportDate(key.created),
    used ? credentialReportDate(used.date) : 'N/A',
    used ? used.region : 'N/A',
    used ? used.service : 'N/A',
  ];
}

const NO_CERTIFICATES = ['false', 'N/A', 'false', 'N/A'];

export function rootReportRow(input: { partition: string; accountId: string; created: string; root: SimulatedRootSpec }): string {
  const { root } = input;
  const keys = root.accessKeys ?? [];
  return [
    '<root_account>',
    `arn:${input.partition}:iam::${input.accountId}:root`,
    credentialReportDate(input.created),
    'not_supported',
    root.passwordLastUsed ? credentialReportDate(root.passwordLastUsed) : 'no_information',
    'not_supported',
    'not_supported',
    String((root.mfa ?? 'none') !== 'none'),
    ...keyColumns(keys[0]),
    ...keyColumns(keys[1]),
    ...NO_CERTIFICATES,
  ].join(',');
}

export function userReportRow(input: { arn: string; user: SimulatedUserSpec; created: string }): string {
  const { user } = input;
  const keys = user.accessKeys ?? [];
  const password = user.password;
  return [
    user.name,
    input.arn,
    credentialReportDate(input.created),
    String(Boolean(password)),
    password ? (password.lastUsed ? credentialReportDate(password.lastUsed) : 'no_information') : 'N/A',
    password ? credentialReportDate(password.lastChanged ?? password.created ?? input.created) : 'N/A',
    'N/A',
    String((user.mfa ?? []).length > 0),
    ...keyColumns(keys[0]),
    ...keyColumns(keys[1]),
    ...NO_CERTIFICATES,
  ].join(',');
}
