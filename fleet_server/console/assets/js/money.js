// Money as the API keeps it, integer fen (1 yuan = 100 fen), shown in yuan with two decimals.
// Amounts never pass through float arithmetic: yuan and fen are split with BigInt division.

import { getLanguage } from "./i18n.js";

const FEN_PER_YUAN = 100n;
const YUAN_TEXT = /^(\d+)(?:\.(\d{1,2}))?$/;

function grouped(whole) {
  return new Intl.NumberFormat(getLanguage() === "zh" ? "zh-CN" : "en-GB").format(whole);
}

/** Integer fen as yuan with two decimals: 12345678 → "123,456.78"; "—" when absent. */
export function yuan(fen) {
  if (fen === null || fen === undefined) return "—";
  const amount = BigInt(fen);
  const sign = amount < 0n ? "-" : "";
  const size = amount < 0n ? -amount : amount;
  const whole = size / FEN_PER_YUAN;
  const cents = String(size % FEN_PER_YUAN).padStart(2, "0");
  return `${sign}${grouped(whole)}.${cents}`;
}

/** Integer fen with the currency: "¥123,456.78". */
export function money(fen) {
  return fen === null || fen === undefined ? "—" : `¥${yuan(fen)}`;
}

/** What a person typed in yuan ("1,200,000.5") as integer fen, or null when it is not an amount
 * with at most two decimals. */
export function parseYuan(text) {
  const found = YUAN_TEXT.exec(String(text).replace(/[,\s，¥]/g, ""));
  if (!found) return null;
  const fen = BigInt(found[1]) * FEN_PER_YUAN + BigInt((found[2] || "").padEnd(2, "0"));
  return fen <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(fen) : null;
}

/** A share in basis points as a percentage: 5000 → "50 %", 8333 → "83.33 %". */
export function percent(bp) {
  if (bp === null || bp === undefined) return "—";
  const value = BigInt(bp);
  const cents = value % 100n;
  return `${value / 100n}${cents ? `.${String(cents).padStart(2, "0").replace(/0$/, "")}` : ""} %`;
}

/** A fraction numerator/denominator as basis points, rounded down (a cut factor). */
export function fractionBp(numerator, denominator) {
  if (!denominator) return null;
  return Number((BigInt(numerator) * 10000n) / BigInt(denominator));
}

/** How much of `total` a part is, in percent for a bar's width (display only, not money). */
export function shareOf(part, total) {
  if (!total) return 0;
  return Number((BigInt(part) * 10000n) / BigInt(total)) / 100;
}
