"""Findings on stdout in a format, the summary line on stderr."""
