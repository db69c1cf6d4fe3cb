"""Languages: the user's choice, else the session's, else the browser's."""

from flask import current_app, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user

from atelier import labels

LANGUAGE_NAMES = {"en": "English", "ro": "Română", "uk": "Українська", "nl": "Nederlands"}


def select_locale() -> str:
    """Pick the language for this request."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI, cron: English
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    user = current_user if current_user else None
    chosen = getattr(user, "locale", None) if user and user.is_authenticated else None
    if chosen in languages:
        return chosen
    if session.get("lang") in languages:
        return session["lang"]
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def register(app) -> None:
    """Expose the language list and current language to templates."""

    labels.register(app)

    @app.context_processor
    def languages():
        return {"language_names": LANGUAGE_NAMES, "current_language": str(get_locale())}
