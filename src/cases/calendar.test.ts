// Working days on the China calendar: holidays are off, 调休 weekend days are working days, years can be
// added from a file without a release, and plain Monday–Friday for other regions.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calendarFor, localDate } from './calendar.js';

const cn = calendarFor('cn');

test('China 2024: Spring Festival off, the make-up Sundays (2-4, 2-18) are working days', () => {
  assert.equal(cn.isWorkingDay('2024-02-12'), false);
  assert.equal(cn.holiday('2024-02-12'), '春节');
  assert.equal(cn.isWorkingDay('2024-02-04'), true);
  assert.equal(cn.isWorkingDay('2024-02-18'), true);
  assert.equal(cn.isWorkingDay('2024-02-17'), false);
  // Friday 2024-02-09 + 2 working days: Sun 2-18 (调休) and Mon 2-19.
  assert.equal(cn.addWorkingDays('2024-02-09', 1), '2024-02-18');
  assert.equal(cn.addWorkingDays('2024-02-09', 2), '2024-02-19');
});

test('China: two working days after the seed-004 mails skip New Year 2024 and the National Day week', () => {
  // Fri 2023-12-29 (first response) → Tue 2024-01-02 (Mon 1-1 is 元旦) … the engineer's next mail came 1-02.
  assert.equal(cn.addWorkingDays('2023-12-29', 1), '2024-01-02');
  assert.equal(cn.addWorkingDays('2023-12-29', 2), '2024-01-03');
  // Fri 2024-09-27 → Sun 9-29 (调休) → Mon 9-30; then 10-1…10-7 off → Tue 10-8, Wed 10-9.
  assert.equal(cn.addWorkingDays('2024-09-27', 2), '2024-09-30');
  assert.equal(cn.addWorkingDays('2024-09-30', 2), '2024-10-09');
  assert.equal(cn.isWorkingDay('2024-10-12'), true, 'Saturday 10-12 is a make-up working day');
});

test('a year published later is added from a file (chinese-days year format) and wins over built-in data', () => {
  const dir = mkdtempSync(join(tmpdir(), 'patchdx-cal-'));
  try {
    mkdirSync(join(dir, 'cn'));
    writeFileSync(
      join(dir, 'cn', '2027.json'),
      JSON.stringify({
        holidays: { '2027-01-01': "New Year's Day,元旦,1", '2027-01-04': 'Test,测试假,1' },
        workdays: { '2027-01-09': "New Year's Day,元旦,1" },
      }),
    );
    const c = calendarFor('cn', dir);
    assert.ok(c.years.includes(2027) && c.years.includes(2024));
    assert.equal(c.isWorkingDay('2027-01-04'), false);
    assert.equal(c.holiday('2027-01-04'), '测试假');
    assert.equal(c.isWorkingDay('2027-01-09'), true);
    assert.match(c.source, /2027/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('weekdays region: Monday to Friday only; today is taken in the team time zone', () => {
  const w = calendarFor('weekdays');
  assert.equal(w.isWorkingDay('2024-02-12'), true);
  assert.equal(w.addWorkingDays('2024-02-09', 2), '2024-02-13');
  assert.equal(localDate(new Date('2024-01-01T17:30:00Z'), 'Asia/Shanghai'), '2024-01-02');
  assert.equal(localDate(new Date('2024-01-01T17:30:00Z'), 'UTC'), '2024-01-01');
});
