import datetime as dt
import random

import factory

from apps.core.choices import RegionLevel, Role
from apps.core.models import Region, User
from apps.core.validators import resident_id_check_char

PASSWORD = "Test-Passw0rd!"


def region(code: str) -> Region:
    return Region.objects.get(code=code)


class TownshipFactory(factory.django.DjangoModelFactory):
    """A township under an existing county (default 620102 Chengguan)."""

    class Meta:
        model = Region

    parent = factory.LazyFunction(lambda: region("620102"))
    code = factory.Sequence(lambda n: f"{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"测试街道{n}")
    level = RegionLevel.TOWNSHIP

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        parent = kwargs["parent"]
        code = kwargs["code"]
        if len(code) != 9:
            kwargs["code"] = f"{parent.code}{code}"
        obj = model_class(*args, **kwargs)
        obj.path = obj.build_path()
        obj.save()
        return obj


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.COUNTY
    region = factory.LazyFunction(lambda: region("620102"))
    # As user_create: only administrators are staff (the Django admin); pass is_staff=True to
    # model a flag set by hand.
    is_staff = factory.LazyAttribute(lambda o: o.role == Role.ADMIN)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def finish(obj, create, extracted, **kwargs):
        obj.is_superuser = obj.role == Role.ADMIN
        if create:
            obj.save()


def make_resident_id(
    region_code: str = "620102",
    birth: dt.date | None = None,
    female: bool | None = None,
    rng: random.Random | None = None,
) -> str:
    """A valid resident ID for tests: real check character, given region, birth date and sex."""
    rng = rng or random
    birth = birth or dt.date(rng.randint(1960, 2000), rng.randint(1, 12), rng.randint(1, 28))
    seq = rng.randint(0, 999)
    if female is not None:
        seq = (seq - seq % 2 + (0 if female else 1)) % 1000
    first17 = f"{region_code[:6]}{birth:%Y%m%d}{seq:03d}"
    return first17 + resident_id_check_char(first17)
