from django.conf import settings


def portal(request):
    """Names and support details every page shows."""
    return {
        "PORTAL_NAME": settings.PORTAL_NAME,
        "INTEGRATION_NAME": settings.INTEGRATION_NAME,
        "SUPPORT_EMAIL": settings.SUPPORT_EMAIL,
        "SUPPORT_PHONE": settings.SUPPORT_PHONE,
        "SUPPORT_URL": settings.SUPPORT_URL,
    }
