"""Scoring, indicator notation, headline figures and the 核查 rules: rows in, results out (pure)."""
