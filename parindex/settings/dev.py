"""`make run`: SQLite, eager Celery, console e-mail, DEBUG on. Any variable can still override."""

import os

from .base import *  # noqa: F403
from .env import env_bool, env_int

DEBUG = env_bool("DEBUG", True)
# No worker here: a publication's ~55–135 documents are rendered by every core at once (the
# demo's take minutes on one).
REPORTS_EAGER_PROCESSES = env_int("REPORTS_EAGER_PROCESSES", min(os.cpu_count() or 1, 4))
