// MFA devices of an account. `ListVirtualMFADevices` answers for every user at once (assigned
// devices carry their user), so `ListMFADevices` is only needed, per user, to see devices that are
// not virtual (hardware tokens, FIDO security keys).

import { paginateListMFADevices, paginateListVirtualMFADevices, type IAMClient } from '@aws-sdk/client-iam';
import { classifyMfaDevice } from './mfa-type';
import type { MfaDeviceRecord } from '../model';

export const MFA_DEVICE_ACTIONS = ['iam:ListVirtualMFADevices', 'iam:ListMFADevices'] as const;

const ROOT_USER_ARN = /^arn:[^:]+:iam::\d*:root$/;
const ROOT_VIRTUAL_DEVICE_SERIAL = /:mfa\/root-account-mfa-device$/;

export interface AssignedVirtualMfaDevices {
  byUserName: Map<string, MfaDeviceRecord[]>;
  /** The root user's virtual device(s), if root MFA is a virtual device. */
  root: MfaDeviceRecord[];
}

function isoOrNull(date: Date | undefined): string | null {
  return date ? new Date(date).toISOString() : null;
}

export async function listAssignedVirtualMfaDevices(iam: IAMClient): Promise<AssignedVirtualMfaDevices> {
  const byUserName = new Map<string, MfaDeviceRecord[]>();
  const root: MfaDeviceRecord[] = [];
  const pages = paginateListVirtualMFADevices({ client: iam, pageSize: 1000 }, { AssignmentStatus: 'Assigned' });
  for await (const page of pages) {
    for (const device of page.VirtualMFADevices ?? []) {
      if (!device.SerialNumber) continue;
      const record: MfaDeviceRecord = {
        serialNumber: device.SerialNumber,
        type: 'Virtual',
        enabledDate: isoOrNull(device.EnableDate),
      };
      if (ROOT_USER_ARN.test(device.User?.Arn ?? '') || ROOT_VIRTUAL_DEVICE_SERIAL.test(device.SerialNumber)) {
        root.push(record);
        continue;
      }
      const userName = device.User?.UserName;
      if (!userName) continue;
      byUserName.set(userName, [...(byUserName.get(userName) ?? []), record]);
    }
  }
  return { byUserName, root };
}

export async function listUserMfaDevices(iam: IAMClient, userName: string): Promise<MfaDeviceRecord[]> {
  const devices: MfaDeviceRecord[] = [];
  for await (const page of paginateListMFADevices({ client: iam, pageSize: 1000 }, { UserName: userName })) {
    for (const device of page.MFADevices ?? []) {
      if (!device.SerialNumber) continue;
      devices.push({
        serialNumber: device.SerialNumber,
        type: classifyMfaDevice(device.SerialNumber),
        enabledDate: isoOrNull(device.EnableDate),
      });
    }
  }
  return devices;
}
