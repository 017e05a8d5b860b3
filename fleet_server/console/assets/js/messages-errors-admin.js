// The server's refusals from accounts, incidents and the broker, in Chinese and English.
// Each key is a server phrase's code (fleet_server/**/texts.py); {names} are its parameters.

export const adminErrors = {
  zh: {
  },
  en: {
  },
};
