import { strict as assert } from 'assert';
import { classifyMfaDevice, strongestMfaType } from '../../../auditor/collectors/mfa-type';

describe('classifyMfaDevice', () => {
  it('calls an mfa/ ARN a virtual device, whatever the device is named', () => {
    assert.equal(classifyMfaDevice('arn:aws:iam::111122223333:mfa/alice-phone'), 'Virtual');
    assert.equal(classifyMfaDevice('arn:aws:iam::111122223333:mfa/hardware-token'), 'Virtual');
    assert.equal(classifyMfaDevice('arn:aws:iam::111122223333:mfa/root-account-mfa-device'), 'Virtual');
  });

  it('calls a u2f/ ARN a FIDO security key', () => {
    assert.equal(classifyMfaDevice('arn:aws:iam::111122223333:u2f/user/alice/yubikey-ABCDEFGHIJKLMNOPQRSTUVWXYZ'), 'SecurityKey');
  });

  it('calls a plain serial a hardware token, even when it says "virtual"', () => {
    assert.equal(classifyMfaDevice('GAHT12345678'), 'Hardware');
    assert.equal(classifyMfaDevice('virtual-looking-serial'), 'Hardware');
  });

  it('reads ARNs of other partitions', () => {
    assert.equal(classifyMfaDevice('arn:aws-us-gov:iam::111122223333:mfa/bob'), 'Virtual');
    assert.equal(classifyMfaDevice('arn:aws-cn:iam::111122223333:u2f/user/bob/key'), 'SecurityKey');
  });
});

describe('strongestMfaType', () => {
  it('prefers a security key over a hardware token over a virtual device', () => {
    assert.equal(strongestMfaType([{ type: 'Virtual' }, { type: 'SecurityKey' }, { type: 'Hardware' }]), 'SecurityKey');
    assert.equal(strongestMfaType([{ type: 'Virtual' }, { type: 'Hardware' }]), 'Hardware');
    assert.equal(strongestMfaType([{ type: 'Virtual' }]), 'Virtual');
  });

  it('is None without devices', () => {
    assert.equal(strongestMfaType([]), 'None');
  });
});
