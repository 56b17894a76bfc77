import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { neutraliseFormula, toCsv } from '../../../auditor/reports/csv';

describe('CSV writing', () => {
  it('prefixes a quote to every cell a spreadsheet would run as a formula', () => {
    for (const cell of ['=1+1', '+SUM(A1)', '-2+3', '@SUM(A1)', '\t=1', '\r=1']) {
      assert.equal(neutraliseFormula(cell), `'${cell}`);
    }
    for (const cell of ['alice', '2024-01-31T12:00:00.000Z', 'a=b', '', ' =1']) {
      assert.equal(neutraliseFormula(cell), cell);
    }
  });

  it('round-trips quotes, commas and newlines and neutralises formulas, parsed back with csv-parse', () => {
    const header = ['name', 'note'];
    const rows = [
      ['say "hi", please', 'line one\nline two'],
      ['=HYPERLINK("http://evil.example")', '-10'],
      ['plain', ''],
    ];
    const parsed = parse(toCsv(header, rows)) as string[][];
    assert.deepEqual(parsed, [
      header,
      ['say "hi", please', 'line one\nline two'],
      [`'=HYPERLINK("http://evil.example")`, "'-10"],
      ['plain', ''],
    ]);
  });

  it('writes the header alone when there are no rows, and refuses a row of the wrong width', () => {
    assert.equal(toCsv(['a', 'b'], []), 'a,b\n');
    assert.throws(() => toCsv(['a', 'b'], [['only one']]), /1 cells, the header 2/);
  });
});
