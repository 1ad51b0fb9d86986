export { addDays, addMonths, addWeeks, addYears, ageOn, dayOfWeek, daysBetween, InvalidDateError, isIsoDate, type IsoDate } from './iso-date.ts';
export { CalendarRangeError, WorkingDayCalendar, type WorkingDayCalendarOptions } from './working-day-calendar.ts';
export { englandAndWalesBankHolidays, englandAndWalesCalendar } from './bank-holidays.ts';
