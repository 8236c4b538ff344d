from django import template

from coops.core import permissions
from coops.core.money import Money, format_money

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context, action, obj=None):
    """`{% can "group.manage" group as allowed %}`"""
    request = context.get("request")
    return permissions.can(getattr(request, "user", None), action, obj)


@register.filter
def money(value):
    return format_money(value) if isinstance(value, Money) else value
