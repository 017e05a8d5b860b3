// Logbook entries and audit actions, in Chinese and English.
// Each key is a server phrase's code (fleet_server/**/texts.py); {names} are its parameters.

export const logbookWords = {
  zh: {
  },
  en: {
  },
};
