"""Publishing what was built: push targets and rsync (:mod:`.deploy`), the
build-then-deploy commands ``giza push`` and ``giza make`` (:mod:`.push`), and
reproducible archives of a push target (:mod:`.package`)."""
