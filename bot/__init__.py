"""B12 Guide domain package: knowledge, plans, schedule arithmetic, identity, safety, wording."""
