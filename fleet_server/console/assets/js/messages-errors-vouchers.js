// The voucher programme's refusals and its claim rules' findings, in Chinese and English.
// Each key is a server phrase's code (fleet_server/**/texts.py); {names} are its parameters.

export const voucherErrors = {
  zh: {
  },
  en: {
  },
};
