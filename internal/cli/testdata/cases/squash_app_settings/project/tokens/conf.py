from types import SimpleNamespace

from django.conf import settings

# The app's own settings object: a swappable model, overridable in settings.
token_settings = SimpleNamespace(TOKEN_MODEL=getattr(settings, "TOKENS_TOKEN_MODEL", "tokens.Token"))
