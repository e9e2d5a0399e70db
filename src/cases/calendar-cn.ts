// The China working calendar shipped with patchdx: official public holidays and the make-up working days
// (调休, weekend days that are working days) of each year, as the State Council's General Office publishes
// them each autumn for the next year (国务院办公厅关于<年>部分节假日安排的通知). Checked against the
// `chinese-days` package 1.5.7 (MIT, dist/years/<year>.json), which tracks those notices.
// A year published after this release is added without a release: put `<year>.json` in the format of
// chinese-days' year files (`{ "holidays": { "2027-01-01": "…" }, "workdays": { … } }`) into the store's
// `calendars/cn/` folder (see `case calendar`). Dates are month-day within their year.

/** One year of a regional calendar: holidays by name (dates MM-DD) and make-up working days. */
export interface CalendarYear {
  holidays: Record<string, string[]>;
  workdays: string[];
}

/** Where the built-in data comes from. */
export const CN_SOURCE =
  'State Council General Office holiday notices 2023–2026 (国务院办公厅关于部分节假日安排的通知), checked against chinese-days 1.5.7';

/** China: official holidays and 调休 working days by year. */
export const CN_CALENDAR: Record<number, CalendarYear> = {
  2023: {
    holidays: {
      元旦: ['01-01', '01-02'],
      春节: ['01-21', '01-22', '01-23', '01-24', '01-25', '01-26', '01-27'],
      清明: ['04-05'],
      劳动节: ['04-29', '04-30', '05-01', '05-02', '05-03'],
      端午: ['06-22', '06-23', '06-24'],
      中秋: ['09-29'],
      国庆节: ['09-30', '10-01', '10-02', '10-03', '10-04', '10-05', '10-06'],
    },
    workdays: ['01-28', '01-29', '04-23', '05-06', '06-25', '10-07', '10-08'],
  },
  2024: {
    holidays: {
      元旦: ['01-01'],
      春节: ['02-10', '02-11', '02-12', '02-13', '02-14', '02-15', '02-16', '02-17'],
      清明: ['04-04', '04-05', '04-06'],
      劳动节: ['05-01', '05-02', '05-03', '05-04', '05-05'],
      端午: ['06-10'],
      中秋: ['09-15', '09-16', '09-17'],
      国庆节: ['10-01', '10-02', '10-03', '10-04', '10-05', '10-06', '10-07'],
    },
    workdays: ['02-04', '02-18', '04-07', '04-28', '05-11', '09-14', '09-29', '10-12'],
  },
  2025: {
    holidays: {
      元旦: ['01-01'],
      春节: ['01-28', '01-29', '01-30', '01-31', '02-01', '02-02', '02-03', '02-04'],
      清明: ['04-04', '04-05', '04-06'],
      劳动节: ['05-01', '05-02', '05-03', '05-04', '05-05'],
      端午: ['05-31', '06-01', '06-02'],
      国庆节: ['10-01', '10-02', '10-03', '10-04', '10-05', '10-07', '10-08'],
      中秋: ['10-06'],
    },
    workdays: ['01-26', '02-08', '04-27', '09-28', '10-11'],
  },
  2026: {
    holidays: {
      元旦: ['01-01', '01-02', '01-03'],
      春节: ['02-15', '02-16', '02-17', '02-18', '02-19', '02-20', '02-21', '02-22', '02-23'],
      清明: ['04-04', '04-05', '04-06'],
      劳动节: ['05-01', '05-02', '05-03', '05-04', '05-05'],
      端午: ['06-19', '06-20', '06-21'],
      中秋: ['09-25', '09-26', '09-27'],
      国庆节: ['10-01', '10-02', '10-03', '10-04', '10-05', '10-06', '10-07'],
    },
    workdays: ['01-04', '02-14', '02-28', '05-09', '09-20', '10-10'],
  },
};
