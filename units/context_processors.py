from django.conf import settings


def portal(request):
    return {"portal_name": settings.PARINDEX_SITE_NAME}
