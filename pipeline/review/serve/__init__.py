"""``pipeline serve``: the site and its draft previews from memory, with live reload and the
in-browser review panel. ``server`` binds and runs, ``app`` answers requests, ``guard`` decides
who may ask, ``reload`` watches files and tells browsers, ``pages`` renders and caches, and
``workbench`` is the panel's library calls."""
