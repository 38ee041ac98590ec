"""{% elf_desk %}: what waits for the elf on the admin's home page."""

from django import template

from letters.desk import desk_for
from letters.inbox import COUNT_CAP

register = template.Library()


@register.inclusion_tag("admin/letters/desk.html", takes_context=True)
def elf_desk(context: template.Context) -> dict:
    """The desk for the signed-in user, or nothing for staff who cannot read letters."""
    user = context["request"].user
    if not user.has_perm("letters.view_letter"):
        return {"desk": None}
    return {
        "desk": desk_for(user),
        "can_claim": user.has_perm("letters.change_letter"),
        "can_export": user.has_perm("letters.export_letter"),
        "count_cap": COUNT_CAP,
    }
