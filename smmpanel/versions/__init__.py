"""Process caches kept exact by version numbers that database triggers raise (design rule 8)."""
