import os
DATABASES = {"default": {"ENGINE": "django.db.backends.mysql", "NAME": "shop}}
