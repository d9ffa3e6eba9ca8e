"""Private utilities: the bounds on everything mgovern reads (:mod:`.bounds`) and worker
processes for large organisations (:mod:`.processes`).

Imported only inside mgovern (plugins use the public modules); imports only
:mod:`mgovern.exceptions` and :mod:`mgovern.files`.
"""

__all__ = ["bounds", "processes"]
