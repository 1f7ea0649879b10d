// Finding a report by its reference code, as a reporter reads it out on the hotline: the code goes in a POST
// body (never in the address), the server writes every search to the audit log and limits wrong codes.
import { api } from "./api.js";
import { openConversation } from "./conversation.js";
import { el } from "./dom.js";
import { say, withButton } from "./status.js";

async function find(event) {
  event.preventDefault();
  const code = el.reportCode.value.trim();
  if (!code) { say("Please type the reference code, like K7M2-9XQP.", "error"); return; }
  await withButton(el.findReportSubmit, async () => {
    const found = await api("POST", "/reports/find", { code });
    el.reportCode.value = "";
    if (found.can_open) {
      say(`Report found: ${found.alias}.`, "info");
      openConversation(String(found.conversation_id));
    } else {
      say(`Report found: ${found.alias} (${String(found.state).replace(/_/g, " ")}). Only the caseworker who holds `
        + "it, or a supervisor, can open it.", "info");
    }
  });
}

export function initFindReport() {
  el.findReport.addEventListener("submit", find);
}
