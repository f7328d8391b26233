// Build ../../readiness_widgets/static/plotly-readiness.min.js (run: npm ci && npm run build).
// The options follow plotly.js's own esbuild-config.js; the licence comments are kept.
const path = require("path");
const esbuild = require("esbuild");
const InlineCSSPlugin = require("esbuild-plugin-inline-css");
const { environmentPlugin } = require("esbuild-plugin-environment");
const { version } = require("plotly.js/package.json");

esbuild
  .build({
    entryPoints: [path.join(__dirname, "entry.js")],
    outfile: path.join(__dirname, "..", "..", "readiness_widgets", "static", "plotly-readiness.min.js"),
    format: "iife",
    globalName: "Plotly",
    bundle: true,
    minify: true,
    legalComments: "inline",
    banner: {
      js: `/**\n* plotly.js v${version} (core, scatterpolar, bar, heatmap), built for readiness-widgets\n* Copyright 2012-2025, Plotly, Inc.\n* All rights reserved.\n* Licensed under the MIT license\n*/`,
    },
    plugins: [InlineCSSPlugin(), environmentPlugin({ NODE_DEBUG: false })],
    alias: { stream: "stream-browserify" },
    define: { global: "window", "define.amd": "false" },
    target: "es2016",
    logLevel: "info",
  })
  .catch(() => process.exit(1));
