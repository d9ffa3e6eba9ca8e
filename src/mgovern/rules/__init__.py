"""The rules: which group a matter belongs in, who decides it, and why — and the proofs.

Owns routing (:mod:`.scope`), the explanations a person reads (:mod:`.explain`), the exact
coverage check (:mod:`.coverage`), the exact difference of two versions (:mod:`.compare`,
with its formats in :mod:`.compare_format`) and strategic/operative horizons
(:mod:`.horizons`).

May import: :mod:`mgovern.calendars` (the diff names the meetings a revision moves), the
history's as-of, the model, config and the utilities. Never the agenda, the register, the
year wheel or the command line.
"""

__all__ = ["compare", "compare_format", "coverage", "explain", "horizons", "scope"]
