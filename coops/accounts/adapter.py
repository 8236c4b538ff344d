from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.utils import translation

from coops.core.mail import mail_after_commit


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        lang = translation.get_language() or settings.LANGUAGE_CODE
        user.language = lang[:2] if lang[:2] in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        return super().save_user(request, user, form, commit=commit)

    def send_mail(self, template_prefix, email, context):
        """Render now (in the user's language), send after commit through a task."""
        msg = self.render_mail(template_prefix, email, context)
        html = None
        for content, mimetype in getattr(msg, "alternatives", []):
            if mimetype == "text/html":
                html = content
        mail_after_commit(
            subject=msg.subject,
            body=msg.body,
            to=list(msg.to),
            html=html,
            from_email=msg.from_email,
            headers=dict(msg.extra_headers),
        )
