// What several parts of the console share: who is logged in and which conversation is open. Everything else
// belongs to one module (the queue to queue.js, drafts to conversation.js, canned responses to reply.js, what
// rang to alerts.js, the accounts to actions.js), which clears it itself when the caseworker logs out.

export const session = {
  me: null,  // {id, name, alias, role} while logged in
};

export const view = {
  openId: null,  // the conversation in the hash (#c=<id>)
  open: null,  // its details as last fetched
  openSeq: 0,  // bumped on every open and close: answers for a conversation no longer open are dropped
  selectedId: null,  // the j/k selection in the queue
  pendingFocus: null,  // "reply" after a claim, "heading" after opening from the queue
};

export function isSupervisor() {
  return !!session.me && (session.me.role === "supervisor" || session.me.role === "admin");
}

// Whether the logged-in caseworker holds this conversation.
export function isMine(data) {
  return !!data && !!session.me && data.state === "assigned" && data.assignee_id === session.me.id;
}
