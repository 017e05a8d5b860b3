// The server's refusals from missions, schedules, sites, coverage and the fleet, in Chinese and English.
// Each key is a server phrase's code (fleet_server/**/texts.py); {names} are its parameters.

export const operationErrors = {
  zh: {
  },
  en: {
  },
};
