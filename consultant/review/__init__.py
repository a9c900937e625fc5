"""Review: the reviewer workspace (web) and the actions it performs on cases."""
