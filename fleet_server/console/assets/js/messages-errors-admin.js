// The server's refusals from accounts, incidents, vouchers, the broker, alerts, reports and the audit trail, in Chinese and English.
// Each key is a server phrase's code (fleet_server/**/texts.py); {names} are its parameters.

export const adminErrors = {
  zh: {
  },
  en: {
  },
};
