// plotly.js with only what readiness_widgets.charts draws: polar scatter (the radar) and bars
// (the Gantt chart, the gap bars). Shapes, annotations and the legend are part of the core.
var Plotly = require("plotly.js/lib/core");

Plotly.register([require("plotly.js/lib/scatterpolar"), require("plotly.js/lib/bar")]);

module.exports = Plotly;
