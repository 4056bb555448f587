"""`make run`: SQLite, eager Celery, console e-mail, DEBUG on. Any variable can still override."""

from .base import *  # noqa: F403
from .env import env_bool

DEBUG = env_bool("DEBUG", True)
