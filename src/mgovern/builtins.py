"""mgovern's own hook implementations, registered as a default plugin."""

from __future__ import annotations

from mgovern import hookimpl
from mgovern.classify import Classification, keyword_classification
from mgovern.model import AgendaItem, Organization


@hookimpl(trylast=True)
def mgovern_classify_item(org: Organization, item: AgendaItem) -> Classification | None:
    """The keyword classifier: the fallback every other classifier comes before."""
    return keyword_classification(org, item)
