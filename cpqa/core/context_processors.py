from django.conf import settings
from django.http import HttpRequest


def service(request: HttpRequest) -> dict:
    return {
        "service_name": "cpqa",
        "service_long_name": "Child protection quality assurance",
        "demo_mode": settings.CPQA_DEMO,
    }
