// Says "not applied yet" under the filter form's buttons while the boxes show something other than
// the filters the pages use. Streamlit keeps a form's unsent values in its front end and tells the
// server nothing until the form is submitted, so only the page can know (see ui/filters.py).
const FORM = '[data-testid="stSidebar"] [data-testid="stForm"]';
// A box's list of options opens in a popover outside the form.
const FORM_PARTS = FORM + ', [role="listbox"], [data-baseweb="popover"]';

// What the boxes show: picked options, dates, text, the checkbox and the any/all choice. A
// multiselect's search text (its combobox input) is not a choice.
function shown(form) {
  return JSON.stringify([...form.querySelectorAll("[data-tag], input")].map((element) =>
    element.matches("[data-tag]") ? element.getAttribute("aria-label")
      : element.type === "checkbox" || element.type === "radio" ? element.checked
        : element.getAttribute("role") === "combobox" ? null : element.value));
}

function update() {
  const state = window.__geowireFilters;
  const form = document.querySelector(FORM);
  if (!state || !form) return;
  // Until the user touches the bar, what it shows is what was applied, however late its boxes
  // appear (a page's first load shows them after its run has ended).
  if (!state.touched) state.baseline = shown(form);
  const pending = state.touched && shown(form) !== state.baseline;
  for (const note of document.querySelectorAll(".geowire-filters-pending")) {
    note.style.visibility = pending ? "visible" : "hidden";
  }
}

function watch() {
  if (window.__geowireFilters.watching) return;
  window.__geowireFilters.watching = true;
  let timer = 0;
  const later = () => { clearTimeout(timer); timer = setTimeout(update, 50); };
  // The pointer going down or a key, in the bar or in a box's list, comes before any change it
  // makes: the baseline stops following the boxes from there.
  const touch = (event) => {
    if (event.target instanceof Element && event.target.closest(FORM_PARTS)) window.__geowireFilters.touched = true;
    later();
  };
  for (const kind of ["pointerdown", "keydown"]) document.addEventListener(kind, touch, true);
  for (const kind of ["input", "change", "click", "keyup"]) document.addEventListener(kind, later, true);
  new MutationObserver(later).observe(document.body, { childList: true, subtree: true });
}

export default function ({ parentElement, data }) {
  let note = parentElement.querySelector(":scope > .geowire-filters-pending");
  if (!note) {
    note = document.createElement("div");
    note.className = "geowire-filters-pending";
    note.setAttribute("role", "status");
    note.textContent = "Not applied yet: press Apply filters";
    note.style.visibility = "hidden";
    parentElement.appendChild(note);
  }
  const state = (window.__geowireFilters = window.__geowireFilters || {});
  watch();
  if (state.applied !== data.applied) {
    // Filters were applied or reset, or another page drew the bar with the applied ones.
    state.applied = data.applied;
    state.touched = false;
  }
  update();
}
