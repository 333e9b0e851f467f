#!/usr/bin/env bash
# Builds static/vendor/plotly-geowire-<version>.min.js, the plotly.js the dashboard's charts load
# (ui/plotly_view.py). Why a bundle of our own: plotly.js's smallest ready-made bundle that
# draws heatmaps (cartesian, 1.5 MB) took 1.0-1.3 s to evaluate in a fresh chromium on a 2-core
# machine; this one, with the same core and only bar and heatmap added, 0.4-0.5 s
# (docs/dashboard-performance.md). Needs Node and npm; the output is committed, so running the
# dashboard needs neither. The esbuild options are those of plotly.js's own esbuild-config.js,
# without its plugins for WebGL shaders and map stylesheets, which these traces do not use.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
vendor="$here/../../static/vendor"
cd "$here"
npm ci --no-audit --no-fund --ignore-scripts
version="$(node -p "require('plotly.js/package.json').version")"
out="$vendor/plotly-geowire-$version.min.js"
npx --no-install esbuild entry.js --bundle --minify --format=iife --global-name=Plotly --target=es2016 \
  --define:global=window --define:define.amd=false --define:process.env.NODE_DEBUG=false \
  --loader:.css=empty --legal-comments=eof \
  --banner:js="/*! plotly.js v$version, Geowire's bundle (core with scatter, bar, heatmap) built by scripts/plotly-bundle/build.sh; MIT licence in static/vendor/plotly-LICENSE */" \
  --outfile="$out"
cp node_modules/plotly.js/LICENSE "$vendor/plotly-LICENSE"
sha256sum "$out"
