"""Private utilities: worker processes for large organisations (:mod:`.processes`) and
the one CSV dialect every list is read and written in (:mod:`.csvfile`).

Imported only inside mgovern (plugins use the public modules); imports only
:mod:`mgovern.exceptions`, :mod:`mgovern.bounds` and :mod:`mgovern.files`.
"""

__all__ = ["csvfile", "processes"]
