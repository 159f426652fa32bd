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
  // Always in the page (empty, it takes no room), so screen readers hear each change.
  counter.textContent = text;
  // News such as "3 activities sent" is said in the live region, then goes after a while.
  if (messages.some(queue.brief)) {
    clearTimeout(showWaiting.timer);
    showWaiting.timer = setTimeout(() => showWaiting(messages.filter((m) => !queue.brief(m))), 8000);
  }
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

// The programme and area to offer on the shell's copy of the form (used without signal),
// and the slugs of the programmes this account may log for (the shell's form lists them
// all), as the server drew them for this account: from its log form, or from home's "Log
// an activity" link (so it works before the log page was ever opened). This account only.
async function rememberChoices() {
  const form = logForm();
  const link = document.getElementById("log-link");
  const from = form ? { programme: form.elements.programme?.value, footprint: form.elements.footprint?.value, programmes: programmesOn(form) }
    : link ? { programme: link.dataset.programme, footprint: link.dataset.footprint, programmes: (link.dataset.programmes || "").split(" ").filter(Boolean) } : null;
  if (from && account) await queue.remember({ owner: account, ...from });
}

// The programmes a drawn log form offers: its list's choices, or its one hidden programme.
function programmesOn(form) {
  const field = form.elements.programme;
  if (!field) return [];
  if (field.tagName !== "SELECT") return field.value ? [field.value] : [];
  return [...field.options].map((option) => option.value).filter(Boolean);
}

// On the shell's form, offer only the account's own programmes; with one, no choice to make.
function onlyTheirProgrammes(form, mine) {
  const field = form.elements.programme;
  if (!field || field.tagName !== "SELECT" || !mine || !mine.length) return;
  const theirs = [...field.options].filter((option) => mine.includes(option.value));
  if (!theirs.length) return;  // kept before these programmes changed: offer them all
  for (const option of [...field.options]) if (option.value && !mine.includes(option.value)) option.remove();
  if (theirs.length > 1) return;
  field.value = theirs[0].value;
  const box = field.closest(".field");
  if (box.hidden) return;  // filled again after a save: said already
  box.hidden = true;
  const said = document.createElement("p");
  said.append("For ", Object.assign(document.createElement("strong"), { textContent: theirs[0].textContent }));
  box.before(said);
}

// The shell's copy of the form: today's date, a client_id of its own, and the choices kept.
async function fillLogForm() {
  const form = logForm();
  if (!form || !queue) return;
  if (!onShell) return rememberChoices();
  const kept = await queue.choices(await queue.account());
  if (kept) onlyTheirProgrammes(form, kept.programmes);
  for (const name of ["programme", "footprint"]) {
    if (kept && kept[name] && form.elements[name] && !form.elements[name].value) form.elements[name].value = kept[name];
  }
  const now = new Date();
  const today = { "occurred_on-day": now.getDate(), "occurred_on-month": now.getMonth() + 1, "occurred_on-year": now.getFullYear() };
  for (const [name, value] of Object.entries(today)) {
    if (form.elements[name] && !form.elements[name].value) form.elements[name].value = String(value);
  }
  if (form.elements.occurred_on && !form.elements.occurred_on.value) form.elements.occurred_on.value = now.toLocaleDateString("en-CA");
  freshClientId(form, false);
}

// The form's client_id is made when it is drawn, and made again only after a save: a
// form sent twice (a double tap, or again after the answer was lost) is one activity.
function freshClientId(form, always) {
  const field = form.elements.client_id;
  if (field && (always || !field.value)) field.value = crypto.randomUUID();
}

// The date as the form has it: GOV.UK day, month and year boxes, or one date field.
// Returns "" when left empty, null when part of it is missing or not a number.
function dateFrom(data) {
  if (!data.has("occurred_on-day")) return data.get("occurred_on") || "";
  const parts = ["occurred_on-year", "occurred_on-month", "occurred_on-day"].map((n) => (data.get(n) || "").trim());
  if (parts.every((p) => !p)) return "";
  if (!parts.every((p) => /^[0-9]{1,4}$/.test(p))) return null;
  return `${parts[0]}-${parts[1].padStart(2, "0")}-${parts[2].padStart(2, "0")}`;
}

// Minutes as the form has them: hours and minutes boxes, or one minutes field.
function minutesFrom(data) {
  if (!data.has("time_hours") && !data.has("time_minutes")) return data.get("minutes") || "";
  const [hours, minutes] = ["time_hours", "time_minutes"].map((n) => (data.get(n) || "").trim());
  if (!hours && !minutes) return "";
  if (![hours, minutes].every((p) => /^[0-9]{0,4}$/.test(p))) return null;
  return String(Number(hours || 0) * 60 + Number(minutes || 0));
}

// Say it where the person looks: the note at the top, focused and scrolled to, so someone
// who saved at the foot of the form sees it was kept (and does not type it again).
function say(text) {
  const note = document.getElementById("kept");
  if (!note) return;
  note.querySelector("p").textContent = text;
  note.hidden = false;
  note.tabIndex = -1;
  note.focus();
  note.scrollIntoView({ block: "start" });
}

// How long Save waits for the server before keeping the activity on the phone instead.
const SEND_WITHIN_MS = 15000;
const KEPT = "No signal: saved on this phone. It will be sent when you have signal.";
const WEAK = "The signal is too weak to send it: saved on this phone. It will be sent when the signal is better.";

document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!queue || formPath(form) !== "/log") return;
  event.preventDefault();
  if (!navigator.onLine || onShell) return keep(form, KEPT);  // no signal, or the shell's form
  // The phone says it is online, but the signal may be too weak to carry the form: send it
  // ourselves, and keep it on the phone if that fails or takes too long. Its client_id
  // keeps it one activity if the first send did arrive after all.
  freshClientId(form, false);
  const body = new URLSearchParams(new FormData(form));
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), SEND_WITHIN_MS);
  let answer;
  try {
    answer = await fetch(form.action, { method: "POST", body, signal: stop.signal, credentials: "same-origin" });
  } catch (error) {
    return keep(form, WEAK);  // the network failed, or no answer in time
  } finally {
    clearTimeout(timer);
  }
  if (answer.ok && answer.redirected) return location.assign(answer.url);  // saved
  form.submit();  // a mistake to show, or anything else: the server's own page, as without JS
});

// Keep the form's activity on this phone, to be sent when there is signal.
async function keep(form, message) {
  freshClientId(form, false);
  const data = new FormData(form);  // read now: a second tap must see the same form
  const who = await owner();
  if (!who) return say("You are signed out. Sign in when you have signal, then log this.");
  if (!data.get("programme") || !data.get("kind")) return say("Choose the programme and what you did, then save again.");
  const occurred_on = dateFrom(data), minutes = minutesFrom(data);
  if (occurred_on === null) return say("Enter the date as a day, month and year in numbers, then save again.");
  if (minutes === null) return say("Enter the time as whole hours and minutes, then save again.");
  const item = { client_id: data.get("client_id"), owner: who, occurred_on, minutes };
  for (const name of ["programme", "kind", "footprint", "people_reached", "note", "setting", "postcode", "service"]) {
    item[name] = data.get(name) || "";
  }
  item.topics = data.getAll("topics");
  await queue.add(item);  // keyed by client_id: the same form twice is one item
  if ("serviceWorker" in navigator && "SyncManager" in self) {
    navigator.serviceWorker.ready.then((r) => r.sync.register("send-activities")).catch(() => {});
  }
  if (form.elements.client_id && form.elements.client_id.value === item.client_id) {
    form.reset();
    freshClientId(form, true);  // saved: the next activity is a new one
    await fillLogForm();
  }
  say(message);
  await (navigator.onLine ? sendWaiting() : showWaiting());
}

// The log form's service is for signposting only: hidden (and not sent) for other kinds,
// and "More details" opens when signposting is chosen. Without this script the field is
// shown, with its hint.
function onlyForSignposting() {
  const part = document.querySelector("main form [data-only-for]");
  const form = part && part.closest("form");
  if (!form || !form.elements.kind) return;
  const show = (opening) => {
    const on = form.elements.kind.value === part.dataset.onlyFor;
    part.hidden = !on;
    for (const field of part.querySelectorAll("select, input")) field.disabled = !on;
    if (on && opening) part.closest("details").open = true;
  };
  form.addEventListener("change", (event) => { if (event.target.name === "kind") show(true); });
  form.addEventListener("reset", () => setTimeout(() => show(false)));  // kept on the phone
  show(false);
}
onlyForSignposting();

// The shell's "My activities" without signal: what waits on this phone for this account.
async function listWaiting() {
  const section = document.getElementById("on-phone");
  if (!section || !queue) return;
  const who = await owner();
  const items = who ? (await queue.all()).filter((item) => item.owner === who) : [];
  const kinds = JSON.parse(section.dataset.kinds || "{}");
  const list = section.querySelector("ul");
  list.replaceChildren(...items.map((item) => {
    const li = document.createElement("li");
    const [y, m, d] = (item.occurred_on || "").split("-").map(Number);
    const when = y ? new Date(y, m - 1, d).toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric" }) : "";
    const reached = item.people_reached ? `, reached ${item.people_reached} ${item.people_reached === "1" ? "person" : "people"}` : "";
    li.textContent = `${kinds[item.kind] || "An activity"}${when ? ", " + when : ""}${reached}`;
    return li;
  }));
  section.hidden = !items.length;
}

async function start() {
  if (!queue) return;
  if (!onShell) await queue.seen(account);
  await fillLogForm();
  if (!onShell && !logForm()) await rememberChoices();
  await listWaiting();
  await sendWaiting();
}

addEventListener("online", sendWaiting);
// Settled once the page has sent what waited when it opened (tests wait for it).
self.movementStarted = start();
