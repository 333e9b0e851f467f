// The trace types core/charts/ draws; scatter comes with the core. Keep in step with
// TRACE_TYPES in ui/plotly_view.py (tests/test_app.py checks the pages against it).
var Plotly = require('plotly.js/lib/core');

Plotly.register([require('plotly.js/lib/bar'), require('plotly.js/lib/heatmap')]);

module.exports = Plotly;
