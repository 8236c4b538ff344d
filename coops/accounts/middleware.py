from django.conf import settings
from django.utils import translation


class UserLanguageMiddleware:
    """A signed-in user's profile language wins over the cookie and browser headers.

    The language switcher writes both, so they agree; this makes the choice follow
    the person to a new device.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language in self.languages:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)
