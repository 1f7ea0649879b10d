// What a person sent that is not text (a photo, a voice note…): the transcript shows its marker, and a Show button
// that fetches the file (the holder or a supervisor only; written to the audit log) and shows it here: a picture,
// a player, or a download link. The file lives in memory as a blob URL, revoked once used, hidden, or when the
// conversation closes; nothing is cached (the server says no-store).
import { apiFile, enc } from "./api.js";
import { make } from "./dom.js";
import { view } from "./state.js";
import { fail } from "./status.js";
import { t } from "./words.js";

const alive = new Set();  // blob URLs not yet revoked

function revoke(url) {
  URL.revokeObjectURL(url);
  alive.delete(url);
}

// The conversation closed or changed: no file of it stays reachable.
export function forgetMedia() {
  for (const url of alive) URL.revokeObjectURL(url);
  alive.clear();
}

function viewer(file, url, kind, done) {
  const blob = file.blob;
  const type = blob.type || "";
  if (type.startsWith("image/")) {
    const image = make("img", "media-image");
    image.alt = t("media.alt", { kind });
    image.addEventListener("load", () => revoke(url), { once: true });  // drawn: the URL is no longer needed
    image.src = url;
    return image;
  }
  if (type.startsWith("audio/") || type.startsWith("video/")) {
    const player = make(type.startsWith("audio/") ? "audio" : "video", "media-player");
    player.controls = true;
    player.preload = "auto";
    player.src = url;  // kept while it can still be played; revoked on Hide or when the conversation closes
    return player;
  }
  const link = make("a", "media-download", t("media.download", { kind }));
  link.href = url;
  link.download = file.name;
  link.addEventListener("click", () => setTimeout(done, 1000), { once: true });  // after the download started
  return link;
}

export function mediaControls(message) {
  const kind = t(`media.kind.${message.media.kind || "file"}`);
  const box = make("div", "media");
  const button = make("button", "secondary media-show", t("media.show"));
  button.type = "button";
  button.setAttribute("aria-label", t("media.show_label", { kind }));
  const shown = make("div", "media-view");
  let url = null;

  function hide() {
    shown.replaceChildren();
    if (url) revoke(url);
    url = null;
    button.textContent = t("media.show");
    button.setAttribute("aria-label", t("media.show_label", { kind }));
  }

  button.addEventListener("click", async () => {
    if (url) { hide(); return; }
    const conversation = view.openId;
    button.disabled = true;
    try {
      const file = await apiFile(`/conversations/${enc(conversation)}/messages/${enc(message.id)}/media`);
      if (conversation !== view.openId || !box.isConnected) return;  // closed meanwhile
      url = URL.createObjectURL(file.blob);
      alive.add(url);
      shown.replaceChildren(viewer(file, url, kind, hide));
      button.textContent = t("media.hide");
      button.setAttribute("aria-label", t("media.hide_label", { kind }));
    } catch (error) {
      fail(error);
    } finally {
      button.disabled = false;
    }
  });
  box.append(button, shown);
  return box;
}
