// The side panels about what the person told: the screening (assessment, dimensions, indicators with the
// person's own words) and a report of a suspicion (bot/report_flow.py) with what was added to it later.
import { appendSpaced, el, humanise, make, ownWords } from "./dom.js";
import { dimensions, tierOf } from "./vocabulary.js";
import { language, t } from "./words.js";

// The report's questions in the order they are asked (handover/report_flow.py), each with its words
// (`step.<step>`); a report written before a question existed shows a dash there.
const REPORT_STEPS = ["danger", "noticed", "where", "when", "times", "place", "relation", "people", "minors", "looks",
  "asked_help", "signs", "vehicles", "ads", "who", "police_know", "police_share", "contact"];
// The answers' words (`choice.<value>`); an answer without words (from a newer report flow) shows as it is.
const REPORT_CHOICES = new Set(["yes", "no", "unknown", "today", "week", "earlier", "repeats", "massage", "home",
  "construction", "agriculture", "cleaning", "restaurant", "prostitution", "car_wash", "beauty", "hotel",
  "warehouse", "begging", "forced_crime", "other", "customer", "neighbour", "coworker", "landlord", "1", "2-5",
  "more_than_5", "not_speaking", "no_id", "lives_at_work", "escorted", "injuries", "long_hours", "fearful",
  "money_taken", "crowded", "private", "police", "ngo", "union", "health", "municipality", "tax", "other_work",
  "ask_first"]);
const WEIGHTS = new Set(["S", "M", "W"]);
const AGE_BANDS = new Set(["under_18", "adult", "unknown"]);
const EXPLOITATION = new Set(["labour", "sexual", "criminal", "unknown"]);
const ANSWERS = { yes: "panel.yes", no: "panel.no", unknown: "panel.not_sure" };
const ASSESSMENTS = new Set(["trafficking_indicated", "exploitation_indicated", "indicators_present",
  "no_indicators"]);
// Answers a caseworker must see at a glance: danger or a child (the report is P1, as handover/report_flow.py
// `is_urgent` decides: words at the danger question without an answer count as a yes, at the under-18 question
// they do not), a plea for help, and a reporter who wants to be asked before the police hear of it.
const FLAGGED = {
  danger: (answer) => answer.choice === "yes" || (!answer.choice && Boolean(answer.words)),
  minors: (answer) => answer.choice === "yes",
  asked_help: (answer) => answer.choice === "yes",
  police_share: (answer) => answer.choice === "ask_first" || answer.choice === "no",
};

function choiceLabel(choice) {
  return REPORT_CHOICES.has(String(choice)) ? t(`choice.${choice}`) : String(choice);
}

function tierBadge(value) {
  const tier = tierOf(value);
  const badge = make("span", "tier", tier || t("panel.dash"));
  badge.dataset.tier = tier;
  return badge;
}

// Reports ---------------------------------------------------------------------------------------------

export function renderReports(reports) {
  el.report.hidden = reports.length === 0;
  el.reportBody.replaceChildren(...reports.map(renderReport));
}

function renderReport(report) {
  const box = make("article", "report-item");
  const details = report.details && typeof report.details === "object" ? report.details : {};
  box.append(make("p", "report-progress", t(report.sent ? "report.sent" : "report.writing")));
  const facts = make("dl", "facts");
  for (const step of REPORT_STEPS) {
    const answer = details[step];
    const row = make("div");
    row.dataset.step = step;
    row.append(make("dt", null, t(`step.${step}`)));
    const dd = make("dd");
    if (!answer || typeof answer !== "object") {
      dd.textContent = t("panel.dash");
    } else {
      const choices = Array.isArray(answer.choices) ? answer.choices : (answer.choice ? [answer.choice] : []);
      if (choices.length) dd.append(make("span", "choice", choices.map(choiceLabel).join(", ")));
      if (answer.words) dd.append(ownWords(answer.words));
      if (FLAGGED[step] && FLAGGED[step](answer)) {
        row.classList.add("flag");
        if (step === "danger" || step === "minors") row.classList.add("danger");
      }
    }
    row.append(dd);
    facts.append(row);
  }
  box.append(facts);
  const additions = Array.isArray(report.additions) ? report.additions : [];
  box.append(make("h4", null, t(additions.length ? "report.added" : "report.nothing_added")));
  const list = make("ol", "report-additions");
  for (const addition of additions) {
    const item = make("li");
    item.append(make("time", null, new Date(addition.created_at).toLocaleString(language)), ownWords(addition.text));
    list.append(item);
  }
  box.append(list);
  return box;
}

// Screening -------------------------------------------------------------------------------------------

// `heard`: what the danger words or the danger button heard in the chat (the conversation's heard_in_chat). The
// conversation may be P1 for danger from them while the screening's questions heard none: the panel then says
// the danger was heard in the chat, never "Immediate danger: no", and its tier row says that the conversation's
// tier (`tier`) is from the danger heard and the screening's tier from its answers alone.
export function renderScreening(screening, heard, tier) {
  const body = el.screeningBody;
  const dangerHeard = Array.isArray(heard) && heard.includes("danger");
  const heardFlag = () => make("p", "flag danger", t("screening.danger_heard_flag"));
  if (!screening || typeof screening !== "object") {
    body.replaceChildren(...(dangerHeard ? [heardFlag()] : []), make("p", "empty", t("screening.none")));
    return;
  }
  const parts = [];
  parts.push(make("p", "screening-progress", t(screening.finished ? "screening.finished" : "screening.unfinished")));
  if (screening.immediate_danger) parts.push(make("p", "flag danger", t("screening.immediate_danger")));
  else if (dangerHeard) parts.push(heardFlag());
  if (screening.self_harm) parts.push(make("p", "flag danger", t("screening.self_harm")));
  if (screening.age_band === "under_18") parts.push(make("p", "flag danger", t("screening.under_18")));
  parts.push(screeningFacts(screening, dangerHeard, tierOf(tier)));
  parts.push(make("h4", null, t("screening.dimensions")), dimensionList(screening));
  parts.push(make("h4", null, t("screening.indicators")), indicatorList(screening));
  body.replaceChildren(...parts);
}

function screeningFacts(screening, dangerHeard, conversationTier) {
  const facts = make("dl", "facts");
  const fact = (label, value) => {
    const row = make("div");
    row.append(make("dt", null, label));
    const dd = make("dd");
    if (value instanceof Node) dd.append(value); else dd.textContent = value;
    row.append(dd);
    facts.append(row);
    return dd;
  };
  fact(t("screening.assessment"), ASSESSMENTS.has(screening.assessment)
    ? t(`assessment.${screening.assessment}`) : humanise(screening.assessment));
  const screeningTier = tierOf(screening.tier);
  if (dangerHeard && !screening.immediate_danger && conversationTier && conversationTier !== screeningTier) {
    fact(t("screening.tier_heard_label"), t("screening.tier_heard",
      { tier: conversationTier, screening_tier: screeningTier || t("panel.dash") })).classList.add("tier-heard");
  } else {
    fact(t("screening.tier"), tierBadge(screening.tier));
  }
  fact(t("screening.age_band"), AGE_BANDS.has(screening.age_band) ? t(`age.${screening.age_band}`)
    : humanise(screening.age_band));
  const work = fact(t("screening.work"), EXPLOITATION.has(screening.exploitation)
    ? t(`exploitation.${screening.exploitation}`) : humanise(screening.exploitation));
  if (screening.work_words) work.append(ownWords(screening.work_words));
  let danger = "panel.no";
  if (screening.immediate_danger) danger = "panel.yes";
  else if (dangerHeard) danger = "screening.danger_heard";
  fact(t("screening.danger"), t(danger));
  return facts;
}

// The catalogue's six dimensions, in its order, each positive or not.
function dimensionList(screening) {
  const list = make("ul", "dimensions");
  const values = screening.dimensions && typeof screening.dimensions === "object" ? screening.dimensions : {};
  for (const { code, label } of dimensions()) {
    const positive = values[code] === true;
    const li = make("li", positive ? "yes" : "no");
    li.dataset.dimension = code;
    const abbr = make("abbr", "code", code);
    abbr.title = label;
    appendSpaced(li, abbr, make("span", "label", label), make("span", "answer", t(positive ? "panel.yes" : "panel.no")));
    list.append(li);
  }
  return list;
}

// Every indicator asked, found or quoted: its answer, kind and weight, and the person's own words.
function indicatorList(screening) {
  const answers = screening.answers && typeof screening.answers === "object" ? screening.answers : {};
  const evidence = screening.evidence && typeof screening.evidence === "object" ? screening.evidence : {};
  const found = new Map();
  for (const indicator of Array.isArray(screening.indicators) ? screening.indicators : []) {
    if (indicator && indicator.id !== undefined) found.set(String(indicator.id), indicator);
  }
  // The person's words are kept by question ("CD-03.watched"), the answers by indicator ("CD-03"): the words go
  // under their indicator, never on a row of their own without an answer.
  const quotes = new Map();
  for (const [question, words] of Object.entries(evidence)) {
    const id = question.split(".")[0];
    if (words) quotes.set(id, [...(quotes.get(id) || []), words]);
  }
  const ids = [];
  for (const id of [...Object.keys(answers), ...found.keys(), ...quotes.keys()]) {
    if (!ids.includes(id)) ids.push(id);
  }
  if (!ids.length) return make("p", "empty", t("screening.no_answers"));
  const list = make("ol", "indicators");
  for (const id of ids) {
    const indicator = found.get(id);
    const answer = answers[id] !== undefined ? String(answers[id]) : (indicator ? "yes" : "");
    const li = make("li", "indicator answer-" + (["yes", "no", "unknown"].includes(answer) ? answer : "none"));
    li.dataset.indicator = id;
    const line = make("span", "indicator-line");
    const dimension = indicator && indicator.dimension ? indicator.dimension : id.split("-")[0];
    const weight = indicator && WEIGHTS.has(indicator.weight) ? `, ${t(`weight.${indicator.weight}`)}` : "";
    appendSpaced(line, make("span", "indicator-id", id), make("span", "indicator-kind", `${dimension}${weight}`),
      make("span", "answer", ANSWERS[answer] ? t(ANSWERS[answer]) : (answer || t("panel.dash"))));
    li.append(line);
    for (const words of quotes.get(id) || []) li.append(ownWords(words));
    list.append(li);
  }
  return list;
}
