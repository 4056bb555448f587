"""The unit kinds every Vietnamese province uses. They are data (an organiser renames, adds and
retires kinds); this is only what a new database starts with."""

STANDARD_KINDS = [
    # code, name, short name used after ranks ("07/20 sở, ban, ngành"), aliases in files, position
    ("department", "Sở, ban, ngành", "sở, ban, ngành", "so, sở, sở ban ngành, so-ban-nganh", 1),
    ("district", "UBND cấp huyện", "huyện, thị xã, thành phố", "huyen, huyện, ubnd huyện", 2),
    ("commune", "UBND cấp xã", "xã, phường, thị trấn", "xa, xã, ubnd xã, phuong, phường", 3),
]


def ensure_standard_kinds(unit_kind_model) -> dict:
    """Create the standard kinds that are missing; works with a migration's historical model."""
    kinds = {}
    for code, name, short_name, aliases, position in STANDARD_KINDS:
        kinds[code], _created = unit_kind_model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "short_name": short_name,
                "aliases": aliases,
                "position": position,
            },
        )
    return kinds
