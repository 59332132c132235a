"""People reviewing drafts: the review session (``session``: accept, edit, sign), at a
terminal (``terminal``) or in the browser (the ``serve`` package),
exchange with CAT tools (``xliff``, ``tbx``) and the translation record (``record``)."""
