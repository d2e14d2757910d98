"""Migration between any two backends: the run (:mod:`.run`), the id map that makes it resumable
(:mod:`.idmap`), links rewritten to their new addresses (:mod:`.links`) and redirects (:mod:`.redirects`)."""
