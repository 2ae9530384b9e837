"""`{% active_status_links restaurant as links %}`: the status-link panel's data, in one query."""

from dataclasses import dataclass

from django import template

from restaurants import status_links
from restaurants.models import StatusLink

register = template.Library()


@dataclass(frozen=True)
class PanelLink:
    link: StatusLink
    url: str


@register.simple_tag(takes_context=True)
def active_status_links(context, restaurant):
    request = context["request"]
    links = StatusLink.objects.active().filter(restaurant=restaurant).select_related("created_by")
    return [
        PanelLink(link, request.build_absolute_uri(status_links.path_for(link))) for link in links
    ]
