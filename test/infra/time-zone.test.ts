import { strict as assert } from 'assert';
import { timeZoneProblem } from '../../infra/time-zone';

describe('schedule time zones', () => {
  it('accepts UTC and IANA names spelled exactly', () => {
    for (const zone of ['UTC', 'Europe/Berlin', 'America/New_York', 'America/Argentina/Buenos_Aires', 'Asia/Kolkata', 'Etc/GMT+5']) {
      assert.equal(timeZoneProblem(zone), undefined, zone);
    }
  });

  it('suggests the right spelling for a name in the wrong case', () => {
    assert.match(timeZoneProblem('europe/berlin') ?? '', /did you mean Europe\/Berlin\?$/);
    assert.match(timeZoneProblem('utc') ?? '', /did you mean UTC\?$/);
    assert.match(timeZoneProblem('AMERICA/NEW_YORK') ?? '', /did you mean America\/New_York\?$/);
  });

  it('rejects names that are no time zone', () => {
    for (const zone of ['Mars/Olympus', 'CET+1', '', 'Berlin']) {
      assert.match(timeZoneProblem(zone) ?? 'accepted', /is not an IANA time zone/, zone);
    }
  });
});
