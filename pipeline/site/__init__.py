"""Publishing: the plan (``gate``, ``plan``: what is public, previewed or withdrawn), then
pages rendered (``translations``, ``render``, ``layout``, ``pdf``, ``indexes``) by a pool of
workers (``workers``) and written with a manifest of content hashes (``manifest``,
``publish``)."""
