// MFA device types, told apart by the device's serial number as IAM reports it. The type lives in
// the ARN's resource type (`mfa/` for virtual devices, `u2f/` for FIDO security keys); hardware
// TOTP tokens have no ARN at all, only the serial printed on the token. Device *names* say nothing:
// a virtual device may be called anything, so looking for "virtual" in the name is wrong.

import type { MfaDeviceRecord, MfaType } from '../model';

export type MfaDeviceType = MfaDeviceRecord['type'];

const ARN_RESOURCE_TYPE = /^arn:[^:]+:iam::[^:]*:([A-Za-z0-9-]+)\//;

export function classifyMfaDevice(serialNumber: string): MfaDeviceType {
  const resourceType = ARN_RESOURCE_TYPE.exec(serialNumber.trim())?.[1]?.toLowerCase();
  if (resourceType === 'u2f') return 'SecurityKey';
  if (resourceType === 'mfa') return 'Virtual';
  return 'Hardware';
}

/** Strongest first: a phishing-resistant key beats a token, a token beats an app on a phone. */
const STRENGTH_ORDER: readonly MfaDeviceType[] = ['SecurityKey', 'Hardware', 'Virtual'];

/** The strongest type among a user's devices; `None` without devices. */
export function strongestMfaType(devices: readonly Pick<MfaDeviceRecord, 'type'>[]): MfaType {
  for (const type of STRENGTH_ORDER) {
    if (devices.some((device) => device.type === type)) return type;
  }
  return 'None';
}
