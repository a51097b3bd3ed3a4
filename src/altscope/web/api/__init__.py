"""The JSON APIs: native (``/api``) and Altmetric Details Page API v1 compatible (``/v1``)."""
