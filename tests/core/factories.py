import factory

from cpqa.core.models import Authority


class AuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Authority
        django_get_or_create = ("code",)

    code = "TEST"
    name = "Testshire"
    nation = "england"
