/* Our own script, kept small: the service worker, keeping this phone's data, and logging
   without signal (see queue.js). Every page works without it. */
const queue = self.movementQueue;
// Who is signed in with this page: a tag, or "" for nobody. The shell's pages (kept by the
// worker, the same for everyone) have none: the account seen last goes on.
const account = document.body.dataset.account;
const onShell = account === undefined;

// The path a form posts to. Not `form.action`: a form with a field named "action" (the
// audit log's filter) gives that field there, and new URL() of it throws.
function formPath(form) {
  return new URL(form.getAttribute("action") || "", document.baseURI).pathname;
}

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" });
  document.addEventListener("submit", (event) => {
    if (formPath(event.target) === "/sign-out") {
      navigator.serviceWorker.controller?.postMessage("forget-pages");
    }
  });
  // The worker sent what waits (Background Sync): count again.
  navigator.serviceWorker.addEventListener("message", (event) => {
    if (event.data && event.data.queue) showWaiting(event.data.queue);
  });
}
// Ask the browser not to clear what this app keeps when the phone runs short of space.
if (navigator.storage && navigator.storage.persist) {
  navigator.storage.persisted().then((kept) => kept || navigator.storage.persist());
}

async function owner() {
  return onShell ? queue.account() : account;
}

function others(n, signedIn) {
  const what = n === 1 ? "1 activity" : `${n} activities`;
  const verb = n === 1 ? "is" : "are";
  return signedIn
    ? `${what} from another account ${verb} waiting on this phone; ${n === 1 ? "it" : "they"} will be sent when that person signs in`
    : `${what} ${verb} waiting on this phone; ${n === 1 ? "it" : "they"} will be sent when the person who logged ${n === 1 ? "it" : "them"} signs in`;
}

async function showWaiting(messages = []) {
  const counter = document.getElementById("waiting");
  if (!counter || !queue) return;
  const who = await owner();
  const items = await queue.all();
  const mine = who ? items.filter((item) => item.owner === who).length : 0;
  const lines = [mine ? `${mine} waiting to send` : ""];
  if (items.length > mine) lines.push(others(items.length - mine, !!who));
  const text = [...lines, ...messages].filter(Boolean).join(". ");
  counter.hidden = !text;
  counter.textContent = text;
}

async function sendWaiting() {
  if (!queue || !navigator.onLine) return showWaiting();
  const messages = await queue.send(await owner());
  await showWaiting(messages);
}

function logForm() {
  const form = document.querySelector("main form[action='/log']");
  return form && form.elements.kind ? form : null;
}

// The drawn log form says which programme and area to offer: keep them for the shell's
// copy of the form (used without signal), for this account only.
async function fillLogForm() {
  const form = logForm();
  if (!form || !queue) return;
  if (!onShell) {
    if (account) await queue.remember({ owner: account, programme: form.elements.programme?.value, footprint: form.elements.footprint?.value });
    return;
  }
  const kept = await queue.choices(await queue.account());
  for (const name of ["programme", "footprint"]) {
    if (kept && kept[name] && form.elements[name] && !form.elements[name].value) form.elements[name].value = kept[name];
  }
  if (!form.elements.occurred_on.value) form.elements.occurred_on.value = new Date().toLocaleDateString("en-CA");
}

function say(text) {
  const note = document.getElementById("kept");
  if (!note) return;
  note.querySelector("p").textContent = text;
  note.hidden = false;
}

document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!queue || formPath(form) !== "/log" || (navigator.onLine && !onShell)) return;
  event.preventDefault();  // no signal, or the shell's copy of the form: keep it on this phone
  const who = await owner();
  const data = new FormData(form);
  if (!who) return say("You are signed out. Sign in when you have signal, then log this.");
  if (!data.get("programme") || !data.get("kind")) return say("Choose the programme and what you did, then save again.");
  const item = { client_id: crypto.randomUUID(), owner: who };  // a new one every time
  for (const name of ["programme", "kind", "occurred_on", "footprint", "people_reached", "minutes", "note"]) {
    item[name] = data.get(name) || "";
  }
  await queue.add(item);
  if ("serviceWorker" in navigator && "SyncManager" in self) {
    navigator.serviceWorker.ready.then((r) => r.sync.register("send-activities")).catch(() => {});
  }
  form.reset();
  await fillLogForm();
  say("No signal: saved on this phone. It will be sent when you have signal.");
  await (navigator.onLine ? sendWaiting() : showWaiting());
});

async function start() {
  if (!queue) return;
  if (!onShell) await queue.seen(account);
  await fillLogForm();
  await sendWaiting();
}

addEventListener("online", sendWaiting);
start();
