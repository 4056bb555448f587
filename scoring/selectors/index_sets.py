"""An index set's prepared tree read from the database: where the services find an item's area
(who may appraise it, whom to tell about it) without walking parents one query at a time."""

from scoring.engine.model import IndexSetDef
from scoring.engine.policy import ITEM_FIELDS, index_tree
from scoring.models import IndexItem


def index_set_tree(index_set_id: int) -> IndexSetDef:
    """The set's items as a prepared tree: one query."""
    rows = IndexItem.objects.filter(index_set_id=index_set_id).values(*ITEM_FIELDS)
    return index_tree(rows, index_set_id)


def item_area_code(item: IndexItem, tree: IndexSetDef | None = None) -> str | None:
    """The code of the item's area; None for bonus and penalty lines, which only an appraiser
    of every area (or the chair) may appraise."""
    tree = tree or index_set_tree(item.index_set_id)
    return tree.area_code(item.pk)
