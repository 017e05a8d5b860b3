// Chinese (the default) and English: every visible label comes from messages.js through t().

import { messages } from "./messages.js";

const LANGUAGE_KEY = "fleet.language";
export const LANGUAGES = ["zh", "en"];
let language = LANGUAGES.includes(localStorage.getItem(LANGUAGE_KEY))
  ? localStorage.getItem(LANGUAGE_KEY)
  : "zh";
const listeners = new Set();

export function getLanguage() {
  return language;
}

/** Switch language; listeners re-render the page. */
export function setLanguage(next) {
  if (!LANGUAGES.includes(next) || next === language) return;
  language = next;
  localStorage.setItem(LANGUAGE_KEY, next);
  document.documentElement.lang = next === "zh" ? "zh-CN" : "en";
  for (const listener of listeners) listener(next);
}

export function onLanguageChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Whether the current language has words for `key` (a server's code may be new to us). */
export function hasWords(key) {
  return messages[language][key] !== undefined;
}

/** The label for `key` in the current language, with {name} placeholders filled in. */
export function t(key, params = {}) {
  let text = messages[language][key];
  if (text === undefined) {
    console.warn(`missing translation: ${language}.${key}`);
    text = key;
  }
  return text.replace(/\{(\w+)\}/g, (match, name) => (name in params ? String(params[name]) : match));
}

/** The label of a value from the server (a state, a kind); the value itself if it is new to us. */
export function tValue(group, value) {
  const text = messages[language][`${group}.${value}`];
  return text === undefined ? String(value) : text;
}

document.documentElement.lang = language === "zh" ? "zh-CN" : "en";
