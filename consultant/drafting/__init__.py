"""Drafting: facts about the question's codes, rendered into a reply for review."""
