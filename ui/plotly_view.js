// Draws one Plotly figure in the page itself (no iframe) with Geowire's plotly.js bundle, which
// the first chart of a page loads once for all of them (see ui/plotly_view.py for why).
function loadPlotly(src) {
  if (!window.__geowirePlotly) {
    window.__geowirePlotly = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = src;
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => { window.__geowirePlotly = null; reject(new Error("could not load " + src)); };
      document.head.appendChild(script);
    });
  }
  return window.__geowirePlotly;
}

export default function ({ parentElement, data, setTriggerValue }) {
  if (data.figure === undefined) {  // plotly_view.preload: fetch and evaluate the bundle, draw nothing
    loadPlotly(data.script).catch(() => {});
    return;
  }
  let view = parentElement.querySelector(":scope > div.geowire-chart");
  if (!view) {
    view = document.createElement("div");
    view.className = "geowire-chart";
    view.style.width = "100%";
    parentElement.appendChild(view);
    // Plotly's "responsive" follows the window only; the sidebar opening or closing resizes the
    // column without resizing the window.
    let width = 0;
    new ResizeObserver(([entry]) => {
      const now = Math.round(entry.contentRect.width);
      if (now !== width && width && view.__drawn && window.Plotly) window.Plotly.Plots.resize(view);
      width = now;
    }).observe(view);
  }
  // The click handler is bound once; it reports through the newest run's trigger.
  view.__report = setTriggerValue;
  const cleanup = () => { if (window.Plotly) window.Plotly.purge(view); view.__drawn = null; view.__listening = false; };
  if (view.__drawn === data.figure) return cleanup;  // a rerun that left this chart as it was
  const figure = JSON.parse(data.figure);
  // Until the new figure is on screen the old one is: tests and the benchmark wait for this mark.
  view.dataset.drawing = "true";
  const token = (view.__token = (view.__token || 0) + 1);
  const settled = () => { if (token === view.__token) delete view.dataset.drawing; };
  loadPlotly(data.script).then((Plotly) => Plotly.react(view, figure.data, figure.layout, data.config)).then(() => {
    view.__drawn = data.figure;
    settled();
    if (data.clickable && !view.__listening) {
      view.__listening = true;
      view.on("plotly_click", (event) => {
        const ids = event.points.map((p) => p.customdata).filter((c) => typeof c === "string");
        if (ids.length) view.__report("click", ids[0]);
      });
    }
  }).catch((error) => {
    // Untrusted text never gets here: the message names only the script's own address.
    view.textContent = "The chart could not be drawn: " + error.message;
    settled();
  });
  return cleanup;
}
