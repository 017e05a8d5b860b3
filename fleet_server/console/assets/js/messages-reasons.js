// Why a mission or incident waits, ended or was escalated, and what a robot did: the server's reasons and results in Chinese and English.
// Each key is a server phrase's code (fleet_server/**/texts.py); {names} are its parameters.

export const reasons = {
  zh: {
  },
  en: {
  },
};
