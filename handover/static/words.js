// Every text the console shows, in the caseworker's language: the page carries them (handover/console.py, from
// content/console/<code>.yml) and no other module writes a word of its own. t(key, vars) fills {placeholders};
// a plural text's form is the one the browser's CLDR plural rules (Intl.PluralRules) pick for the number in its
// `_count` variable, the same rules Babel applies on the server.
const block = document.getElementById("console-words");
const words = block ? JSON.parse(block.textContent) : {};

export const language = document.documentElement.lang || "en";
const plurals = new Intl.PluralRules(language);

export function t(key, vars) {
  const values = vars || {};
  let template = words[key];
  if (template === undefined) return key;  // a test keeps every key the scripts use in both files
  if (typeof template === "object") {
    const count = Number(values[template._count]);
    template = template[Number.isFinite(count) ? plurals.select(count) : "other"] || template.other;
  }
  return String(template).replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}
