from django.conf import settings


def portal(request):
    return {"site_name": settings.PARINDEX_SITE_NAME}
