// The domain's words, from GET /api/console/vocabulary (core/vocabulary.py and content/indicators.yml):
// the tiers and which of them ring, the conversation states, kinds and senders with their labels, and the
// screening dimensions. Loaded once after login; no other module repeats these values.
import { api } from "./api.js";

const words = {
  tiers: [],  // [{value, urgent}], most urgent first
  states: new Map(),  // value → label
  kinds: new Map(),
  senders: new Map(),
  dimensions: [],  // [{code, label}] in the catalogue's order
};
let loaded = null;  // the request's promise, shared by whoever asks first

function terms(list) {
  return new Map((Array.isArray(list) ? list : []).map((term) => [String(term.value), String(term.label)]));
}

export function loadVocabulary() {
  if (!loaded) {
    loaded = api("GET", "/vocabulary").then((data) => {
      words.tiers = (Array.isArray(data.tiers) ? data.tiers : [])
        .map((tier) => ({ value: String(tier.value), urgent: tier.urgent === true }));
      words.states = terms(data.states);
      words.kinds = terms(data.kinds);
      words.senders = terms(data.senders);
      words.dimensions = (Array.isArray(data.dimensions) ? data.dimensions : [])
        .map((dimension) => ({ code: String(dimension.code), label: String(dimension.label) }));
    }, (error) => {
      loaded = null;  // asked again at the next login or start
      throw error;
    });
  }
  return loaded;
}

// A tier the server knows, or "" (shown as a dash, no colour).
export function tierOf(value) {
  return words.tiers.some((tier) => tier.value === value) ? value : "";
}

// The consoles ring for these (P1 and P2).
export function isUrgent(value) {
  return words.tiers.some((tier) => tier.value === value && tier.urgent);
}

export function urgentTiers() {
  return words.tiers.filter((tier) => tier.urgent).map((tier) => tier.value);
}

// The first tier is the most urgent (P1): it rings longer and its notification stays until clicked.
export function isMostUrgent(value) {
  return words.tiers.length > 0 && words.tiers[0].value === value;
}

export function stateLabel(value) {
  return words.states.get(value);
}

export function kindLabel(value) {
  return words.kinds.has(value) ? words.kinds.get(value) : value;
}

// A sender the server knows, else "system" (a notice).
export function senderOf(value) {
  return words.senders.has(value) ? value : "system";
}

export function senderLabel(value) {
  return words.senders.get(value) || value;
}

export function dimensions() {
  return words.dimensions;
}
