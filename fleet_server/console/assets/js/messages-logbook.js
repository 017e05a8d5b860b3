// Logbook entries, audit actions and the voucher claim rules' findings, in Chinese and English.
// Each key is a server phrase's code (fleet_server/**/texts.py); {names} are its parameters.

export const logbookWords = {
  zh: {
  },
  en: {
  },
};
