// plotly.js with only what readiness_widgets.charts draws: polar scatter (the radars), bars
// (the Gantt chart, the gap bars) and a heatmap (a team's disagreements). Shapes, annotations,
// update menus and the legend are part of the core.
var Plotly = require("plotly.js/lib/core");

Plotly.register([require("plotly.js/lib/scatterpolar"), require("plotly.js/lib/bar"), require("plotly.js/lib/heatmap")]);

module.exports = Plotly;
