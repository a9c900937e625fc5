"""Matching: reading a question and finding the code records it is about."""
