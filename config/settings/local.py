"""Settings for a developer's machine and for `make run`: debug on, a fixed local key."""

import os

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
# A key for local use only; production.py refuses to start without SECRET_KEY.
SECRET_KEY = os.environ.get("SECRET_KEY") or "local-only-insecure-key-not-for-deployment"
