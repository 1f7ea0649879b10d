// The side panels about what the person told: the screening (assessment, dimensions, indicators with the
// person's own words) and a report of a suspicion (bot/report_flow.py) with what was added to it later.
import { appendSpaced, el, humanise, make, ownWords } from "./dom.js";
import { dimensions, tierOf } from "./vocabulary.js";

const WEIGHTS = { S: "strong", M: "medium", W: "weak" };
const AGE_BANDS = { under_18: "under 18", adult: "adult", unknown: "unknown" };
// In the order the questions are asked (handover/report_flow.py); a report written before a question existed
// shows a dash there.
const REPORT_STEPS = [
  ["danger", "Someone in danger now"], ["noticed", "What they noticed"], ["where", "Where"], ["when", "When"],
  ["times", "When it happens"], ["place", "Kind of place or work"], ["relation", "How they know the place"],
  ["people", "How many people"], ["minors", "Anyone under 18"], ["looks", "What the people look like"],
  ["asked_help", "Someone asked them for help"], ["signs", "Signs"], ["vehicles", "Vehicles or plates"],
  ["ads", "Ads or phone numbers"], ["who", "Reported by"], ["police_know", "Police already know"],
  ["police_share", "May share with the police"], ["contact", "Contact"],
];
const REPORT_CHOICES = {
  yes: "yes", no: "no", unknown: "does not know", today: "today", week: "in the last 7 days",
  earlier: "earlier", repeats: "again and again", massage: "massage clinic", home: "private home / au pair",
  construction: "construction", agriculture: "agriculture", cleaning: "cleaning", restaurant: "restaurant",
  prostitution: "prostitution (street or online)", car_wash: "car wash", beauty: "nail or beauty salon",
  hotel: "hotel", warehouse: "warehouse or delivery", begging: "begging",
  forced_crime: "cannabis growing or forced crime", other: "other", customer: "a customer",
  neighbour: "a neighbour", coworker: "a co-worker", landlord: "the landlord", "1": "one person",
  "2-5": "2 to 5", more_than_5: "more than 5", not_speaking: "others speak for them",
  no_id: "no passport or ID", lives_at_work: "lives at the workplace", escorted: "always escorted",
  injuries: "injuries", long_hours: "very long hours", fearful: "afraid or anxious",
  money_taken: "someone else takes their money", crowded: "many sleep in one place",
  private: "a private person", police: "police (partner)", ngo: "an NGO (partner)",
  union: "a trade union (partner)", health: "health care (partner)", municipality: "a municipality (partner)",
  tax: "the tax authority (partner)", other_work: "other work (partner)", ask_first: "ask the reporter first",
};
// Answers a caseworker must see at a glance: danger or a child (the report is P1), a plea for help, and a
// reporter who wants to be asked before the police hear of it.
const FLAGGED = {
  danger: (answer) => answer.choice === "yes" || Boolean(answer.words),
  minors: (answer) => answer.choice === "yes" || Boolean(answer.words),
  asked_help: (answer) => answer.choice === "yes",
  police_share: (answer) => answer.choice === "ask_first" || answer.choice === "no",
};

function choiceLabel(choice) {
  return Object.prototype.hasOwnProperty.call(REPORT_CHOICES, choice) ? REPORT_CHOICES[choice] : String(choice);
}

function tierBadge(value) {
  const tier = tierOf(value);
  const badge = make("span", "tier", tier || "—");
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
  box.append(make("p", "report-progress", report.sent ? "Sent by the reporter." : "Still being written."));
  const facts = make("dl", "facts");
  for (const [step, label] of REPORT_STEPS) {
    const answer = details[step];
    const row = make("div");
    row.dataset.step = step;
    row.append(make("dt", null, label));
    const dd = make("dd");
    if (!answer || typeof answer !== "object") {
      dd.textContent = "—";
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
  box.append(make("h4", null, additions.length ? "Added later with the reference code" : "Nothing added later"));
  const list = make("ol", "report-additions");
  for (const addition of additions) {
    const item = make("li");
    item.append(make("time", null, new Date(addition.created_at).toLocaleString()), ownWords(addition.text));
    list.append(item);
  }
  box.append(list);
  return box;
}

// Screening -------------------------------------------------------------------------------------------

export function renderScreening(screening) {
  const body = el.screeningBody;
  if (!screening || typeof screening !== "object") {
    body.replaceChildren(make("p", "empty", "No screening yet"));
    return;
  }
  const parts = [];
  parts.push(make("p", "screening-progress", screening.finished ? "Screening finished." : "Screening not finished."));
  if (screening.immediate_danger) parts.push(make("p", "flag danger", "Immediate danger reported"));
  if (screening.self_harm) parts.push(make("p", "flag danger", "Self-harm words written"));
  if (screening.age_band === "under_18") parts.push(make("p", "flag danger", "Under 18"));
  parts.push(screeningFacts(screening));
  parts.push(make("h4", null, "Dimensions"), dimensionList(screening));
  parts.push(make("h4", null, "Indicators"), indicatorList(screening));
  body.replaceChildren(...parts);
}

function screeningFacts(screening) {
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
  fact("Assessment", humanise(screening.assessment));
  fact("Tier", tierBadge(screening.tier));
  fact("Age band", AGE_BANDS[screening.age_band] || humanise(screening.age_band));
  const work = fact("Kind of work", humanise(screening.exploitation));
  if (screening.work_words) work.append(ownWords(screening.work_words));
  fact("Immediate danger", screening.immediate_danger ? "yes" : "no");
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
    appendSpaced(li, abbr, make("span", "label", label), make("span", "answer", positive ? "yes" : "no"));
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
  const ids = [];
  for (const id of [...Object.keys(answers), ...found.keys(), ...Object.keys(evidence)]) {
    if (!ids.includes(id)) ids.push(id);
  }
  if (!ids.length) return make("p", "empty", "No questions answered yet.");
  const list = make("ol", "indicators");
  for (const id of ids) {
    const indicator = found.get(id);
    const answer = answers[id] !== undefined ? String(answers[id]) : (indicator ? "yes" : "—");
    const li = make("li", "indicator answer-" + (["yes", "no", "unknown"].includes(answer) ? answer : "none"));
    li.dataset.indicator = id;
    const line = make("span", "indicator-line");
    const dimension = indicator && indicator.dimension ? indicator.dimension : id.split("-")[0];
    const weight = indicator && WEIGHTS[indicator.weight] ? ", " + WEIGHTS[indicator.weight] : "";
    appendSpaced(line, make("span", "indicator-id", id), make("span", "indicator-kind", `${dimension}${weight}`),
      make("span", "answer", answer === "unknown" ? "not sure" : answer));
    li.append(line);
    if (evidence[id]) li.append(ownWords(evidence[id]));
    list.append(li);
  }
  return list;
}
