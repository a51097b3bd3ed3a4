"""Scoring: the attention score, categories, history, context, people and places, anomalies.

See docs/scoring.md. Reads and writes the store; never imports ``altscope.web``.
"""
