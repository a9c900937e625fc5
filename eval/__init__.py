"""The evaluation: realistic question emails with expected codes and facts (``make eval``)."""
