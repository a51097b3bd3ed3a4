"""The demo: a made-up but realistic world of research outputs and attention, run through the
real pipeline (percolator, store, scoring) and served by the web app. See docs/demo.md."""
