from django import template

from coops.core.money import format_money

register = template.Library()


@register.filter
def minor(value, currency):
    """`{{ account.balance|minor:currency }}`: minor units shown in the currency."""
    if value is None:
        return ""
    return format_money(currency.money(int(value)))
