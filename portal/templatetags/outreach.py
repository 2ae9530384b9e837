"""`{% restaurant_contacts restaurant as contacts %}`: the contacts panel's data, in one query."""

from django import template

from restaurants.models import Contact

register = template.Library()


@register.simple_tag
def restaurant_contacts(restaurant):
    return list(Contact.objects.filter(restaurant=restaurant))
