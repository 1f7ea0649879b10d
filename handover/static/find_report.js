// Finding a report by its reference code, as a reporter reads it out on the hotline: the code goes in a POST
// body (never in the address), the server writes every search to the audit log and limits wrong codes.
import { api } from "./api.js";
import { openConversation } from "./conversation.js";
import { el, humanise } from "./dom.js";
import { say, withButton } from "./status.js";
import { stateLabel } from "./vocabulary.js";
import { t } from "./words.js";

async function find(event) {
  event.preventDefault();
  const code = el.reportCode.value.trim();
  if (!code) { say(t("find.type_code"), "error"); return; }
  await withButton(el.findReportSubmit, async () => {
    const found = await api("POST", "/reports/find", { code });
    el.reportCode.value = "";
    if (found.can_open) {
      say(t("find.found", { alias: found.alias }), "info");
      openConversation(String(found.conversation_id));
    } else {
      say(t("find.found_closed", { alias: found.alias, state: stateLabel(found.state) || humanise(found.state) }),
        "info");
    }
  });
}

export function initFindReport() {
  el.findReport.addEventListener("submit", find);
}
