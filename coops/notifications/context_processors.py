import operator

from django.utils.functional import SimpleLazyObject, new_method_proxy

from .models import Notification


class LazyCount(SimpleLazyObject):
    """A count computed on first use, usable where templates need a real number.

    `{% blocktranslate count %}` passes it to the catalogue's plural formula, which does
    arithmetic (French: `n % 1000000`) that SimpleLazyObject alone does not proxy.
    """

    __mod__ = new_method_proxy(operator.mod)
    __le__ = new_method_proxy(operator.le)
    __ge__ = new_method_proxy(operator.ge)
    __int__ = new_method_proxy(int)
    __index__ = new_method_proxy(operator.index)


def notifications(request):
    """`unread_notifications` for the header bell: counted once, only if a template shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    return {
        "unread_notifications": LazyCount(
            lambda: Notification.objects.for_user(user).unread().count()
        )
    }
