"""Consultant: emailed medical coding questions, drafted answers, reviewed replies."""

__version__ = "0.1.0"
