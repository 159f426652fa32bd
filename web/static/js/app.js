/* Our own script, kept small: the service worker, keeping this phone's data, and logging
   without signal (see queue.js). Every page works without it. */
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" });
  document.addEventListener("submit", (event) => {
    if (event.target.action && new URL(event.target.action).pathname === "/sign-out") {
      navigator.serviceWorker.controller?.postMessage("forget-pages");
    }
  });
}
// Ask the browser not to clear what this app keeps when the phone runs short of space.
if (navigator.storage && navigator.storage.persist) {
  navigator.storage.persisted().then((kept) => kept || navigator.storage.persist());
}

const queue = self.movementQueue;

async function showWaiting(messages = []) {
  const counter = document.getElementById("waiting");
  if (!counter || !queue) return;
  const count = await queue.count();
  counter.hidden = count === 0 && !messages.length;
  counter.textContent = [count ? `${count} waiting to send` : "", ...messages].filter(Boolean).join(". ");
}

async function sendWaiting() {
  if (!queue || !navigator.onLine) return showWaiting();
  const messages = await queue.send();
  await showWaiting(messages);
}

function csrfToken() {
  try { return JSON.parse(document.body.getAttribute("hx-headers"))["x-movement-csrf"]; }
  catch (error) { return ""; }
}

document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!queue || navigator.onLine || new URL(form.action).pathname !== "/log") return;
  event.preventDefault();  // no signal: keep it on this phone instead
  const data = new FormData(form);
  const item = { client_id: crypto.randomUUID(), csrf: csrfToken() };  // a new one every time
  for (const name of ["programme", "kind", "occurred_on", "footprint", "people_reached", "minutes", "note"]) {
    item[name] = data.get(name) || "";
  }
  await queue.add(item);
  if ("serviceWorker" in navigator && "SyncManager" in self) {
    navigator.serviceWorker.ready.then((r) => r.sync.register("send-activities")).catch(() => {});
  }
  form.reset();
  const note = document.getElementById("kept");
  if (note) note.hidden = false;
  await showWaiting();
});

addEventListener("online", sendWaiting);
sendWaiting();
