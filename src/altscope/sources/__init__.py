"""Sources: everything that talks to the outside world to bring data in.

* :mod:`altscope.sources.importers`: files of outputs (identifier lists, CSV, BibTeX, RIS, ORCID).
* :mod:`altscope.sources.http`: the one polite HTTP layer (timeouts, retries, rate limits).
* :mod:`altscope.sources.crossref`, :mod:`~altscope.sources.datacite`,
  :mod:`~altscope.sources.openalex`: metadata clients; :mod:`~altscope.sources.enrich` decides
  which to ask.
"""
