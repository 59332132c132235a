"""l10n-pipeline: Markdown pages → gettext catalogs → machine drafts → reviewed HTML and PDF."""

__version__ = "0.1.0"
