// The browser's own "last visit": kept in its localStorage, so each analyst's browser has its own
// on a team server, with no login and no cookie (ui/whats_new.py). A tab keeps, for as long as it
// is open, the visit that came before it (sessionStorage), so reloading it does not make
// everything old; every run then records "now" as this browser's latest visit.
const VISIT = "geowire.lastVisit";
const SEEN = "geowire.alertsSeen";
const TAB = "geowire.previousVisit";

function stored(storage, key) {
  try { return storage.getItem(key); } catch (error) { return null; }  // storage off: no marker
}

function store(storage, key, value) {
  try { storage.setItem(key, value); } catch (error) { /* storage off or full: nothing kept */ }
}

export default function ({ data, setStateValue }) {
  let previous = stored(sessionStorage, TAB);
  if (previous === null) {
    previous = stored(localStorage, VISIT) || "";
    store(sessionStorage, TAB, previous);
  }
  store(localStorage, VISIT, data.now);
  if (data.alerts_seen && data.alerts_seen > (stored(localStorage, SEEN) || "")) store(localStorage, SEEN, data.alerts_seen);
  const seen = stored(localStorage, SEEN) || "";
  // Sent only when they differ from what the server has: a value sent makes the page run again.
  if (previous !== (data.visit || "")) setStateValue("visit", previous);
  if (seen !== (data.seen || "")) setStateValue("alerts_seen", seen);
}
