"""Coding rules as pure functions: typed, frozen inputs in, a frozen result out, each result
carrying the worked reasoning ("worked") a reply can print line by line.

Nothing here reads the database or raw text; the tables are public facts (CPT guideline
structure, CMS manuals, the ICD-10-CM Official Guidelines) kept as data."""
